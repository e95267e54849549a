"""Rendering an Article as the web page a news site would serve (for HTML round-trip tests)."""

from __future__ import annotations

from html import escape

from embeddings.models import Article


def render_news_page(article: Article, *, site: str = "The Stack") -> str:
    """A full news page: navigation, Open Graph metadata, a byline with <time>, sidebar, comments."""
    date = article.date.isoformat() if article.date else ""
    paragraphs = "\n".join(f"    <p>{escape(p)}</p>" for p in article.body.split("\n\n"))
    tag_meta = "\n".join(f'<meta property="article:tag" content="{escape(t)}">' for t in article.tags)
    tag_links = ", ".join(f'<a href="/tag/{escape(t.lower())}" rel="tag">{escape(t)}</a>' for t in article.tags)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(article.title)} | {site}</title>
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(article.title)}">
<meta property="article:published_time" content="{date}T09:00:00+00:00">
{tag_meta}
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/cloud">Cloud</a></li><li><a href="/security">Security</a></li></ul></nav></header>
<div class="ad-slot leaderboard">Advertisement: upgrade your data centre today with our partners</div>
<main><article class="post">
  <h1 class="entry-title">{escape(article.title)}</h1>
  <p class="byline">Published <time datetime="{date}">{date}</time></p>
  <div class="entry-content">
{paragraphs}
  </div>
  <footer class="entry-footer"><span class="tags-links">{tag_links}</span></footer>
</article>
<aside class="related-posts"><h3>Related stories</h3><ul>
  <li><a href="/news/1">Tencent opens a data centre in Frankfurt</a></li>
  <li><a href="/news/2">JD.com reports record Singles Day sales</a></li></ul></aside>
<section id="comments" class="comments-area"><h3>2 comments</h3>
  <div class="comment"><p>Interesting, but I doubt they will manage the hiring targets this year.</p></div>
  <div class="comment"><p>First! Great write-up as usual, keep it coming.</p></div>
</section></main>
<footer class="site-footer"><p>&copy; {site}. All rights reserved.</p></footer>
</body></html>
"""
