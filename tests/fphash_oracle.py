#!/usr/bin/python3
"""tests/fphash_oracle.py: the files' content hash (doc/store.md, "Start-up") written
again from its description, sharing nothing with src/fingerprint.c, to give
tests/check_fingerprint.c answers it did not compute itself.

    python3 tests/fphash_oracle.py          prints the test vectors

The hash: h = K1 xor (len * K2); for each whole 8-byte little-endian word w, then once
for the 0-7 bytes left (zero-padded, little-endian), h = rotl(h xor (w * K2), 31) * K1;
then h ^= h >> 29, h *= K1, h ^= h >> 32.  Arithmetic modulo 2**64.
"""
M = (1 << 64) - 1
K1 = 0x9E3779B97F4A7C15
K2 = 0xC2B2AE3D27D4EB4F


def rnd(h, w):
    h ^= (w * K2) & M
    h = ((h << 31) | (h >> 33)) & M
    return (h * K1) & M


def fp_hash(data: bytes) -> int:
    h = K1 ^ ((len(data) * K2) & M)
    whole = len(data) // 8 * 8
    for i in range(0, whole, 8):
        h = rnd(h, int.from_bytes(data[i:i + 8], "little"))
    h = rnd(h, int.from_bytes(data[whole:], "little"))
    h ^= h >> 29
    h = (h * K1) & M
    return h ^ (h >> 32)


VECTORS = [b"", b"a", b"abcdefg", b"abcdefgh", b"abcdefghi",
           b"ring: default\n" * 3, bytes(range(256))]

if __name__ == "__main__":
    for v in VECTORS:
        print("%-40r 0x%016xULL" % (v[:30], fp_hash(v)))
