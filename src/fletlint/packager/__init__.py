"""`fletlint build`: the Python part of a Flet phone bundle, made only when the lint passes.

lock (one pylock.toml for every target) → fetch (downloads verified by sha256) → install (one
site-packages folder per ABI) → bundle (the app's code as a reproducible app.zip). Imports the
core; the core never imports this package.
"""
