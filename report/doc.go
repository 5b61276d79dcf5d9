/*
Package report writes what the engine reads and finds, for people and for
programs.

  - Write: the report of gctrace analyze and run (text, JSON, Markdown),
    from an engine.Result.
  - WriteCheck: the findings and verdict of gctrace check (text, JSON,
    GitHub Actions workflow commands, JUnit XML), with Judge giving the
    Verdict of a Gate.
  - RecordWriter: the records of gctrace export, in the export schema, as
    JSON lines (AppendJSONL) or CSV (CSVColumns, CSVRow).
  - Console: the engine subscriber that prints findings and attributions
    as they come and echoes the program's own lines, through a LineWriter
    that never cuts a line of either in two.
  - WriteTally: the account of the lines read, for standard error.
  - WriteRules: the rule catalogue of gctrace rules.

Every writer computes its model first and writes it second, switches on a
typed format and fails on an unknown one, and prints what came from a map
sorted, so that its output is deterministic and golden-tested (the command
tests under cmd/gctrace hold the golden files).
*/
package report
