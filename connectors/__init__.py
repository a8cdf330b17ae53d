"""Reading and normalising department extracts into the Extract contract."""

from connectors.extract import Extract, FileRejected, FileWarning
from connectors.files import DiscoveredFile, ManifestEntry, discover_extracts, file_checksum
from connectors.reader import read_extract
from connectors.sql_reader import read_sql_extract

__all__ = [
    "DiscoveredFile",
    "Extract",
    "FileRejected",
    "FileWarning",
    "ManifestEntry",
    "discover_extracts",
    "file_checksum",
    "read_extract",
    "read_sql_extract",
]
