"""Staff pages for projects and funds. Thin: parse, call a service or selector, render.

One module per section; urls.py names each view by its module.
"""
