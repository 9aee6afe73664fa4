#!/usr/bin/env python3
"""embed.py IN OUT NAME -- writes a C file defining `const char NAME[]` with
the bytes of IN, so that the SDL is part of the binary (no file to install,
no path to get wrong)."""
import sys

src, dst, name = sys.argv[1:4]
data = open(src, 'rb').read()
with open(dst, 'w') as f:
    f.write('/* Generated from %s by embed.py. Do not edit. */\n' % src.split('/')[-1])
    f.write('const char %s[] = {\n' % name)
    for i in range(0, len(data), 16):
        f.write('    ' + ', '.join('0x%02x' % b for b in data[i:i + 16]) + ',\n')
    f.write('    0x00\n};\n')
