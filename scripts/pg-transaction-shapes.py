#!/usr/bin/env python3
"""PostgreSQL transactions per request, by shape, from a statement log.

Turn statement logging on for the run (ALTER SYSTEM SET log_statement = 'all'; SELECT
pg_reload_conf();), send N requests, turn it off, cut the server log to the run, then:

    scripts/pg-transaction-shapes.py <log> <N>

Groups each backend's statements into transactions (BEGIN ... COMMIT/ROLLBACK, a failed
statement aborting it; anything outside BEGIN is its own autocommit transaction) and prints how
many of each shape there were per request, most frequent first. Issue 17's breakdown of W5 full
came from it.
"""
import collections
import re
import sys

LINE = re.compile(r'\[(\d+)\] (LOG|ERROR|DETAIL|HINT|STATEMENT):\s+(.*)')


def statement(message):
    text = re.sub(r'^execute (S_\d+|<unnamed>): ', '', message)
    return re.sub(r'^statement: ', '', text).strip()


def main(log, requests):
    open_tx, current, shapes, errors = {}, {}, collections.Counter(), 0
    for line in open(log, errors='replace'):
        match = LINE.search(line)
        if not match:
            continue
        pid, level, message = match.groups()
        if level == 'LOG' and (message.startswith('statement:') or message.startswith('execute')):
            text = statement(message)
            if not text:
                continue
            if text == 'BEGIN':
                open_tx[pid], current[pid] = True, []
            elif text in ('COMMIT', 'ROLLBACK'):
                if open_tx.get(pid) != 'failed':
                    shapes[(text,) + tuple(s[:60] for s in current.get(pid, []))] += 1
                open_tx[pid], current[pid] = False, []
            elif open_tx.get(pid):
                current[pid].append(text)
            else:
                shapes[('AUTOCOMMIT', text[:60])] += 1
        elif level == 'ERROR':
            errors += 1
            if open_tx.get(pid) is True:
                shapes[('FAILED',) + tuple(s[:60] for s in current.get(pid, []))] += 1
                open_tx[pid] = 'failed'
    total = sum(shapes.values())
    print(f"transactions {total}, {total / requests:.2f} per request; errors {errors}")
    for shape, count in shapes.most_common(30):
        print(f"{count / requests:6.2f}  " + ' | '.join(shape))


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit("usage: pg-transaction-shapes.py <postgres log> <requests>")
    main(sys.argv[1], int(sys.argv[2]))
