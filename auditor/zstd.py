"""Zstandard for the caches: the standard library's ``compression.zstd`` from Python 3.14, its backport before."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 14):
    from compression.zstd import CompressionParameter, ZstdError, compress, decompress
else:
    from backports.zstd import CompressionParameter, ZstdError, compress, decompress

__all__ = ["CompressionParameter", "ZstdError", "compress", "decompress"]
