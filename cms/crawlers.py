"""Recognising well-known crawlers and bots by their User-Agent."""

from __future__ import annotations

# Substrings (lower case) of the User-Agent of search engines, link previewers, monitors and
# HTTP libraries. A view from any of them is not a reader.
CRAWLER_MARKERS = (
    "bot", "crawl", "spider", "slurp", "facebookexternalhit", "embedly", "preview",
    "headlesschrome", "lighthouse", "pingdom", "uptime", "monitor", "curl/", "wget/",
    "python-requests", "python-urllib", "httpclient", "okhttp", "go-http-client", "scrapy",
    "java/", "feedfetcher", "mediapartners", "whatsapp", "telegram",
)  # fmt: skip


def is_crawler(user_agent: str) -> bool:
    agent = (user_agent or "").lower()
    return not agent or any(marker in agent for marker in CRAWLER_MARKERS)
