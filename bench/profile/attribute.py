#!/usr/bin/env python3
"""Adds up bench/profile/count_blocks.c's counts per function.

  attribute.py [--baseline COUNTS] [--per N] [--top K] COUNTS NAME=ELF...

Each block's instructions times its runs go to the function whose symbol
covers its address, in the first ELF (kernel, server, personality or
program, each given a short NAME) that has the block's first instruction
word at that address: the servers all link at 0x400000, and the word tells
them apart. --baseline subtracts another run's counts (block by block),
--per divides by N. Prints the total, the share of each image, and the
top K functions (default 40), as NAME:function."""
import argparse
import bisect
import collections
import struct
import subprocess
import sys


class Image:
    """An ELF's loadable bytes and function symbols."""

    def __init__(self, name, path):
        self.name = name
        self.segments = []          # (address, bytes)
        with open(path, "rb") as elf:
            data = elf.read()
        if data[:4] != b"\x7fELF" or data[4] != 2:
            sys.exit(f"attribute: {path} is not a 64-bit ELF")
        (phoff,) = struct.unpack_from("<Q", data, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
        for i in range(phnum):
            kind, _, offset, address, _, file_size = struct.unpack_from(
                "<IIQQQQ", data, phoff + i * phentsize)
            if kind == 1:           # PT_LOAD
                self.segments.append((address, data[offset:offset + file_size]))
        self.symbols = []           # (start, end, name), sorted
        listing = subprocess.run(["aarch64-linux-gnu-nm", "-S", "-n", "--defined-only", path],
                                 capture_output=True, text=True, check=True).stdout
        for line in listing.splitlines():
            fields = line.split()
            if len(fields) == 4 and fields[2] in "tTwW":
                start, size = int(fields[0], 16), int(fields[1], 16)
                self.symbols.append((start, start + max(size, 4), fields[3]))
        # Assembly without sizes: a symbol then reaches the next one.
        listing = subprocess.run(["aarch64-linux-gnu-nm", "-n", "--defined-only", path],
                                 capture_output=True, text=True, check=True).stdout
        sized = {s[2] for s in self.symbols}
        bare = [(int(f[0], 16), f[2]) for f in (l.split() for l in listing.splitlines())
                if len(f) == 3 and f[1] in "tT" and f[2] not in sized]
        for index, (start, name) in enumerate(bare):
            end = bare[index + 1][0] if index + 1 < len(bare) else start + 4
            self.symbols.append((start, end, name))
        self.symbols.sort()
        self.starts = [s[0] for s in self.symbols]

    def word_at(self, address):
        for start, contents in self.segments:
            if start <= address and address + 4 <= start + len(contents):
                return struct.unpack_from("<I", contents, address - start)[0]
        return None

    def function_at(self, address):
        index = bisect.bisect_right(self.starts, address) - 1
        while index >= 0:
            start, end, name = self.symbols[index]
            if start <= address < end:
                return name
            if address - start > 1 << 20:
                break
            index -= 1
        return None


def read_counts(path):
    counts = collections.Counter()
    with open(path) as lines:
        for line in lines:
            address, instructions, word, runs = line.split()
            counts[(int(address, 16), int(instructions, 16), int(word, 16))] += int(runs)
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline")
    parser.add_argument("--per", type=float, default=1)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("counts")
    parser.add_argument("images", nargs="+")
    options = parser.parse_args()

    images = [Image(*spec.split("=", 1)) for spec in options.images]
    counts = read_counts(options.counts)
    if options.baseline:
        counts.subtract(read_counts(options.baseline))

    functions = collections.Counter()
    shares = collections.Counter()
    for (address, instructions, word), runs in counts.items():
        if runs <= 0:
            continue
        owner = next((image for image in images if image.word_at(address) == word), None)
        name = owner and owner.function_at(address)
        label = f"{owner.name}:{name or hex(address)}" if owner else f"?:{hex(address)}"
        functions[label] += instructions * runs
        shares[owner.name if owner else "?"] += instructions * runs

    total = sum(shares.values())
    per = options.per
    print(f"total {total / per:,.1f} instructions" + (f" (divided by {per:g})" if per != 1 else ""))
    for name, count in shares.most_common():
        if count / per >= 0.05:
            print(f"  {name:<12} {count / per:>12,.1f}  {100 * count / total:5.1f} %")
    print()
    for label, count in functions.most_common(options.top):
        print(f"{count / per:>12,.1f}  {label}")


if __name__ == "__main__":
    main()
