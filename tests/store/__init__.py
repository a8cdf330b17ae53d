"""Tests of childlink.store (a package, so test module names may repeat elsewhere under tests/)."""
