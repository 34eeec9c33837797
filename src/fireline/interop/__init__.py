"""Files in and out: CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX, read as text tables."""
