#!/usr/bin/env python3
"""tests/fuzz/make_corpus.py - writes the seed corpus of fuzz_rio into tests/fuzz/corpus/.

Each seed is one run in fuzz_rio.cpp's input format, chosen so the fuzzer starts from every
face, transport and end, the request-size edges, faults and long lines; it finds the rest.
Rerun after changing the input format:  python3 tests/fuzz/make_corpus.py
"""
import pathlib
import struct

PIPE, SOCKET = 0, 1
BOOK, CHECKED, READER = 0, 1, 2
CLOSE, SHUTDOWN, RESET = 0, 1, 2
# Operation kinds (opcode & 7) and the size selectors of run::pick (opcode >> 3).
READLINE, READNB, WRITE, FAULT, READN, STRLINE, MOVE = 0, 2, 3, 4, 5, 6, 7
ZERO, ONE, TWO, THREE, ARG, ARG37, MAXLINE_M1, MAXLINE, MAXLINE_P1 = range(9)
BUF_M1, BUF, BUF_P1, TWOBUF, LEFT, LEFT_P1, LEFT_ARG = range(9, 16)
EINTR, SHORT, ERROR, EINTRS_THEN_SHORT = range(4)


def step(kind, sel=0, arg=0):
    return bytes([kind | (sel << 3), arg])


def seed(stream, steps=(), transport=PIPE, face=BOOK, end=CLOSE, reader=0, chunk=0,
         repeat=0):
    setup = transport | (face << 1) | (end << 3)
    return (bytes([setup, reader | (chunk << 4), repeat]) + struct.pack("<H", len(stream))
            + stream + b"".join(steps))


lines = b"one\ntwo\n\nthree has more words\nlast line without a newline"
edges = [step(READLINE, s) for s in (ZERO, ONE, TWO, THREE, MAXLINE_M1, MAXLINE, MAXLINE_P1)]
seeds = {
    "book-lines": seed(lines, edges),
    "book-socket-bytewise": seed(lines, edges + [step(READNB, s) for s in (ONE, LEFT_P1)],
                                 transport=SOCKET, chunk=0),
    "checked-reset": seed(lines, [step(READLINE, MAXLINE)] * 3, transport=SOCKET, face=CHECKED,
                          end=RESET, chunk=3),
    "book-pipe-reset": seed(b"partial", [step(READLINE, MAXLINE)], end=RESET),
    # 10 bytes x 1000 with no newline: lines longer than MAXLINE and the 8 KiB buffer.
    "book-long-line": seed(b"0123456789", [step(READLINE, s) for s in (MAXLINE, BUF_P1)]
                           + [step(READNB, TWOBUF, 7), step(READNB, LEFT)], repeat=9, chunk=6),
    "reader-small-buffer": seed(lines, [step(READLINE, BUF), step(READNB, BUF_P1),
                                        step(STRLINE, ARG, 3), step(STRLINE, 15)],
                                face=READER, reader=2, chunk=1),
    "reader-faults": seed(lines * 3, [step(FAULT, EINTR), step(FAULT, SHORT, 2),
                                      step(READLINE, MAXLINE), step(FAULT, EINTRS_THEN_SHORT, 3),
                                      step(READNB, ARG, 40), step(STRLINE, ARG37, 1)],
                          transport=SOCKET, face=READER, reader=4, chunk=5),
    "reader-move": seed(lines, [step(READLINE, THREE), step(MOVE, 3), step(READLINE, MAXLINE),
                                step(MOVE, 4), step(READN, LEFT)], face=READER, end=SHUTDOWN,
                        transport=SOCKET, reader=8),
    "book-eio": seed(lines, [step(READLINE, MAXLINE), step(FAULT, ERROR, 1),
                             step(READLINE, MAXLINE)], chunk=2),
    "checked-writes-ahead": seed(b"a\r\nb\x00c\nd\n" * 4, [step(WRITE, 0, 200),
                                                             step(READLINE, ARG, 5),
                                                             step(READN, ARG, 9),
                                                             step(READNB, LEFT_ARG, 1)],
                                 face=CHECKED, repeat=7, chunk=4),
}

out = pathlib.Path(__file__).resolve().parent / "corpus"
out.mkdir(exist_ok=True)
for name, data in seeds.items():
    (out / name).write_bytes(data)
print(f"{len(seeds)} seeds in {out}")
