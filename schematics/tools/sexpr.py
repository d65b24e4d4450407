"""A small s-expression reader and number formatter for KiCad files (standard library only).

parse(text) returns nested Python lists. Quoted strings become Str (a str subclass), bare
atoms stay plain str, so a reader can tell `"GND"` from `GND` when it needs to.
"""


class Str(str):
    """A quoted string of the file."""


def parse(text):
    stack = [[]]
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in ' \t\r\n':
            i += 1
        elif c == '(':
            stack.append([])
            i += 1
        elif c == ')':
            done = stack.pop()
            stack[-1].append(done)
            i += 1
        elif c == '"':
            i += 1
            out = []
            while text[i] != '"':
                if text[i] == '\\':
                    i += 1
                    out.append({'n': '\n', 't': '\t'}.get(text[i], text[i]))
                else:
                    out.append(text[i])
                i += 1
            stack[-1].append(Str(''.join(out)))
            i += 1
        else:
            j = i
            while j < n and text[j] not in ' \t\r\n()"':
                j += 1
            stack[-1].append(text[i:j])
            i = j
    if len(stack) != 1:
        raise ValueError('unbalanced parentheses')
    return stack[0]


def q(s):
    """A quoted string for a KiCad file."""
    return '"' + str(s).replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'


def num(v):
    """A number as KiCad writes it: at most 4 decimals, no trailing zeros, no -0."""
    s = ('%.4f' % v).rstrip('0').rstrip('.')
    return '0' if s in ('-0', '') else s


def find(node, key):
    """The first child list of node whose head is key, or None."""
    for c in node:
        if isinstance(c, list) and c and c[0] == key:
            return c
    return None


def find_all(node, key):
    return [c for c in node if isinstance(c, list) and c and c[0] == key]
