// graphql-codegen (client-preset): typed documents for the GraphQL operations in src/, from the
// committed SDL. `make clients` checks separately that the live server's schema equals it.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../schema.graphql",
  // generated/readme/: the README's example, extracted by the check.
  documents: ["src/**/*.ts", "generated/readme/*.ts"],
  ignoreNoDocuments: false,
  silent: true,
  generates: {
    "generated/graphql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        // Every custom scalar must be mapped: an unmapped one would type as `any`.
        strictScalars: true,
        scalars: { DateTime: "string", Date: "string" },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
