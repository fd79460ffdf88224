"""Your code: replace each stub's ``raise NotImplementedError`` with an implementation.

Every module here mirrors ``reference/``: same functions, same signatures,
same docstrings (the docstring is the kata's spec). Run ``pytest`` or
``nox -s chapter1`` to see which katas are done, todo or wrong.
"""
