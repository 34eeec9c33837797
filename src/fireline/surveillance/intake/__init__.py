"""Bulk case intake: read a file, map its columns, validate column-wise, load set-based.

``columns`` (what a file's headers mean), ``dates`` and ``values`` (vectorised
parsing), ``validate`` (the report), ``load`` and ``bulk`` (staging, persons,
COPY/executemany), ``batches`` (the two-step import service), ``mappings``
(saved column mappings), ``api`` (JSON routes).
"""
