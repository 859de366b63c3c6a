"""The demo county: 呼图壁县 and 昌吉市 › 延安北路街道 from the source article,
with their units, categories, staff and about 500 requests made through the
real services. `manage.py load_demo` calls `loader.load()`.

Modules: `places`, `catalogue` and `texts` hold the data; `build` makes (and
wipes) the tree, units, categories and accounts; `stories` plans and plays
the requests; `loader` ties them together in one transaction.
"""
