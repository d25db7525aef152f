# scenario regressions: filled below
