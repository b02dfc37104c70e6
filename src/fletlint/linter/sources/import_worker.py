"""A worker process for `ImportScanner`: parses the texts it is given on stdin.

Input: a JSON list of `[path, text]`; output: a JSON list of `encode_parsed` answers, in the same
order. Started by imports.py (`_Worker`) with the parent's module path.
"""

from __future__ import annotations

import json
import sys

from fletlint.linter.sources.imports import encode_parsed, parse_imports


def main() -> int:
    texts = json.loads(sys.stdin.buffer.read().decode("utf-8", "surrogatepass"))
    answers = [encode_parsed(parse_imports(text, path)) for path, text in texts]
    sys.stdout.buffer.write(json.dumps(answers).encode("utf-8", "surrogatepass"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
