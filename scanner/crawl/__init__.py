"""The crawl stage: a Scrapy spider over the whole site, pages rendered in Chromium."""
