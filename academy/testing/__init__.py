"""Test support that every app's tests use: the URL walk's registry (`walk`) and the isolation
check (`isolation`). Production code never imports this package; `.importlinter` says so."""
