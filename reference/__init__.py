"""Reference solutions: the same modules, signatures and docstrings as ``exercises/``.

Compare your code with these after a kata passes (or when you are stuck).
"""
