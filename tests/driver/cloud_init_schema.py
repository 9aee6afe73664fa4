"""cloud_init_schema.py SCHEMA SEED_GOLDEN_DIR

Validates every user-data under SEED_GOLDEN_DIR/*/ against cloud-init's
cloud-config JSON schema (draft 4, as cloud-init itself applies it): a plain
#cloud-config document, or each text/cloud-config part of a MIME multipart
user-data (a text/x-shellscript part must start with "#!"). network-config
must be version 2 with the NIC matched by MAC. Also checks that the schema
rejects what cloud-init rejects (`users: []`), so that this test can fail.
Prints "N passed, M failed".
"""
import email
import json
import os
import sys

import jsonschema
import yaml

schema_path, golden = sys.argv[1], sys.argv[2]
with open(schema_path) as f:
    schema = json.load(f)
validator = jsonschema.Draft4Validator(schema)
passed = failed = 0


def check(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL " + name + (": " + why if why else ""))


def schema_errors(text):
    if not text.startswith("#cloud-config"):
        return ["does not start with #cloud-config"]
    doc = yaml.safe_load(text)
    if doc is None:  # "#cloud-config" alone: an empty document, as for cloud-init
        doc = {}
    if not isinstance(doc, dict):
        return ["not a mapping"]
    return [
        "%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message)
        for e in validator.iter_errors(doc)
    ]


def cloud_configs(text):
    """The cloud-config texts of a user-data, and errors in its structure."""
    if text.startswith("#cloud-config"):
        return [text], []
    msg = email.message_from_string(text)
    if not msg.is_multipart():
        return [], ["neither #cloud-config nor multipart"]
    docs, errs = [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        ctype = part.get_content_type()
        if ctype == "text/cloud-config":
            docs.append(body)
        elif ctype == "text/x-shellscript":
            if not body.startswith("#!"):
                errs.append("shell script part without #!")
        else:
            errs.append("unexpected part " + ctype)
    return docs, errs


for case in sorted(os.listdir(golden)):
    with open(os.path.join(golden, case, "user-data")) as f:
        docs, errs = cloud_configs(f.read())
    check(case + "/user-data parts", docs and not errs, "; ".join(errs) or "no cloud-config")
    for i, d in enumerate(docs):
        errs = schema_errors(d)
        check("%s/user-data cloud-config %d against the schema" % (case, i), not errs,
              "; ".join(errs))
    with open(os.path.join(golden, case, "network-config")) as f:
        net = yaml.safe_load(f)
    eths = net.get("ethernets") if isinstance(net, dict) else None
    ok = isinstance(net, dict) and net.get("version") == 2 and isinstance(eths, dict)
    ok = ok and all("macaddress" in (e or {}).get("match", {}) for e in eths.values())
    check(case + "/network-config version 2, matched by MAC", ok)

# The schema is strict where cloud-init is: the test can fail.
check("schema rejects users: []", schema_errors("#cloud-config\nusers: []\n") != [])
check("schema rejects an unknown user key",
      schema_errors("#cloud-config\nusers:\n  - name: a\n    pasword: x\n") != [])
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
