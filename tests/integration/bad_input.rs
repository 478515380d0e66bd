//! Bad scenario files and bad command lines: the error names the file, field, value and range.
