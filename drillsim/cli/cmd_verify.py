"""``drillsim verify A.drill``: check the hash chain, then re-run the inputs and compare."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from drillsim.cli.common import apply_lang, print_json
from drillsim.core.i18n import tr

NAME = "verify"
HELP = "verify a drill archive: hash chain, then a re-run compared event by event (校验演练存档)"
ORDER = 40


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="drill archive (.drill)")
    p.add_argument("--chain-only", action="store_true", help="check the hash chain only, do not re-run")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    from drillsim.record.archive import Archive
    from drillsim.record.rerun import VerifyResult, verify

    apply_lang(args)
    with Archive.open(args.file) as a:
        if args.chain_only:
            res = VerifyResult(a.verify_chain())
        else:
            res = verify(a)
    out = {"file": str(args.file), "ok": res.ok, "chain_ok": res.chain.ok, "chain_checked": res.chain.checked,
           "first_bad_seq": res.chain.first_bad, "chain_message": res.chain.message,
           "events_checked": res.events_checked, "rerun_events": res.rerun_events, "notes": res.notes,
           "divergence": None}
    if res.divergence is not None:
        d = res.divergence
        out["divergence"] = {"seq": d.seq,
                             "expected": None if d.expected is None else {"t": d.expected.t, "type": d.expected.type,
                                                                          "data": d.expected.data},
                             "got": None if d.got is None else {"t": d.got.t, "type": d.got.type, "data": d.got.data}}
    if args.json:
        print_json(out)
    elif not res.chain.ok:
        print(tr(f"{args.file}: 哈希链校验失败，首个错误事件 seq {res.chain.first_bad}",
                 f"{args.file}: hash chain broken, first bad event seq {res.chain.first_bad}"), file=sys.stderr)
        print("  " + res.chain.message, file=sys.stderr)
    elif res.divergence is not None:
        print(tr(f"{args.file}: 重演结果与存档不一致", f"{args.file}: re-run differs from the archive"), file=sys.stderr)
        print(res.divergence.describe(), file=sys.stderr)
    else:
        msg = tr(f"{args.file}: 校验通过（哈希链 {res.chain.checked} 个事件" +
                 ("" if args.chain_only else f"，重演 {res.events_checked} 个事件一致") + "）",
                 f"{args.file}: OK (hash chain of {res.chain.checked} events" +
                 ("" if args.chain_only else f"; re-run identical over {res.events_checked} events") + ")")
        print(msg)
        for n in res.notes:
            print("  " + n)
    return 0 if res.ok else 1
