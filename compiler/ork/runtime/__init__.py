"""The minimal runtime: loads a bundle once and reconciles against that frozen configuration.

It imports the models and the template engine, never the compiler stages, networkx, oras
or click: the runtime physically cannot fetch a source.
"""
