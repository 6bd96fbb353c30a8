// What the check found: violations grouped by area, and counts of what was checked.

export interface Violation {
  area: string;
  where: string;
  detail: string;
}

export class Report {
  readonly violations: Violation[] = [];
  readonly counts = { rest: 0, graphql: 0 };
  private readonly started = Date.now();

  add(area: string, where: string, detail: string): void {
    this.violations.push({ area, where, detail });
  }

  step(what: string): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1).padStart(5);
    console.log(`[${seconds} s] ${what}`);
  }

  /** Print every violation by area and a one-line summary; the exit code (0 when clean). */
  print(): number {
    const areas = [...new Set(this.violations.map((v) => v.area))];
    for (const area of areas) {
      const found = this.violations.filter((v) => v.area === area);
      console.log(`\n== ${area}: ${found.length} violation(s)`);
      for (const v of found) {
        console.log(`- ${v.where}`);
        if (v.detail) console.log(v.detail.replace(/^/gm, "    "));
      }
    }
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const byArea = areas
      .map((a) => `${a} ${this.violations.filter((v) => v.area === a).length}`)
      .join(", ");
    console.log(
      `\nclients: ${this.counts.rest} REST and ${this.counts.graphql} GraphQL responses validated; ` +
        `${this.violations.length} violation(s)${byArea ? ` (${byArea})` : ""}; ${seconds} s`,
    );
    return this.violations.length === 0 ? 0 : 1;
  }
}
