"""Spreadsheet imports and exports, and the accountability workbook."""
