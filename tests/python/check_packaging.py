#!/usr/bin/env python3
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""`pip install .` works, offline (suite `packaging`; pyproject.toml, meson-python).

    check_packaging.py SOURCE_ROOT

On a copy of the source tree (meson-python writes into the tree it builds,
and `meson dist` packs only committed files): a wheel built with
`pip wheel --no-build-isolation --no-deps` installs into a venv with
--system-site-packages and, imported from there (not from the tree), builds
a model from enictl's fixtures; `python -m build --sdist --no-isolation`
makes an sdist of a throwaway commit of the copy that holds pyproject.toml
and the sources. TAP; a step whose tools are missing (Debian:
python3-mesonpy patchelf python3-build) is skipped.
"""
import glob
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

TESTS = 0
FAILED = 0
OFFLINE = dict(os.environ, PIP_NO_INDEX="1", PIP_NO_CACHE_DIR="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")


def result(ok, what, detail=""):
    global TESTS, FAILED
    TESTS += 1
    FAILED += not ok
    print(f"{'ok' if ok else 'not ok'} {TESTS} - {what}")
    for line in (detail.splitlines()[-25:] if not ok else []):
        print(f"# {line}")


def skip(what, why):
    global TESTS
    TESTS += 1
    print(f"ok {TESTS} - {what} # SKIP {why}")


def run(cmd, cwd=None):
    """(succeeded, output); a program that is not installed (git on a bare
    machine) is a failure to run, not a crash of this check."""
    try:
        p = subprocess.run(cmd, cwd=cwd, env=OFFLINE, capture_output=True, text=True)
    except FileNotFoundError as e:
        return False, str(e)
    return p.returncode == 0, p.stdout + p.stderr


def python_with(*modules):
    """An interpreter that has the modules (Debian's, when the one on PATH lacks them)."""
    for py in (sys.executable, "/usr/bin/python3"):
        if os.path.exists(py) and run([py, "-c", "import " + ", ".join(modules)])[0]:
            return py
    return None


def copy_tree(root, dest):
    """The files git would commit: tracked, and new ones not ignored (no build dirs)."""
    ok, out = run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                   "--exclude-standard"])
    if not ok:
        shutil.copytree(root, dest, ignore=shutil.ignore_patterns("build*", ".git", ".mesonpy*",
                                                                  "__pycache__"))
        return
    for rel in filter(None, out.split("\0")):
        src = os.path.join(root, rel)
        if os.path.isfile(src):
            os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
            shutil.copy2(src, os.path.join(dest, rel))


USE = """
import glob, os, sys, libeni
assert libeni.__file__.startswith(sys.prefix), libeni.__file__
files = sorted(glob.glob(os.path.join(sys.argv[1], "tools/enictl/tests/fixtures/*.json")))
with libeni.Context() as ctx:
    load = libeni.load_aws_json(ctx, *files)
    nic = ctx.get("eni-0123456789abcdef0")
    v = ctx.explain(nic, libeni.TrafficDirection.INBOUND,
                    ("tcp", "203.0.113.5", 40000, "10.0.1.7", 22))
    assert v.allowed and v.reason == libeni.Reason.RULE, v
print("libeni", libeni.__version__, "from", libeni.__file__, len(load.built), "objects")
"""


def wheel(root, tmp):
    py = python_with("mesonpy", "pip", "venv", "cffi")
    if py is None or shutil.which("patchelf") is None:
        skip("pip wheel . (offline)", "no python3-mesonpy, python3-pip, patchelf or cffi")
        skip("the wheel installs into a venv and imports", "no wheel")
        return
    src = os.path.join(tmp, "wheel-src")
    copy_tree(root, src)
    ok, out = run([py, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", src,
                   "-w", os.path.join(tmp, "wheels")])
    wheels = glob.glob(os.path.join(tmp, "wheels", "libeni-*.whl"))
    result(ok and len(wheels) == 1, "pip wheel --no-build-isolation --no-deps . (offline)", out)
    if not wheels:
        skip("what the wheel holds", "no wheel")
        skip("the wheel installs into a venv and imports", "no wheel")
        return
    names = zipfile.ZipFile(wheels[0]).namelist()
    base = {n.rsplit("/", 1)[-1] for n in names}
    want = {"libeni.so.1.0.0", "__init__.py", "_aws.py", "eni.h"}
    unwanted = {"eni-sync", "enictl", "libeni-sync.so", "eni-agent"}
    native = any(n.startswith("libeni/_native") for n in names)
    result(native and want <= base and not (unwanted & base),
           f"what the wheel holds: {len(names)} files, the bindings and the library, "
           "no enictl or libeni-sync",
           f"missing: {sorted(want - base)}, native: {native}, unwanted: {sorted(unwanted & base)}")
    venv = os.path.join(tmp, "venv")
    ok, out = run([py, "-m", "venv", "--system-site-packages", venv])
    vpy = os.path.join(venv, "bin", "python")
    if ok:
        ok, out = run([vpy, "-m", "pip", "install", "--no-deps", "--no-index", wheels[0]])
    if ok:  # from tmp, so that the source tree's bindings cannot be what is imported
        ok, out = run([vpy, "-c", USE, root], cwd=tmp)
    result(ok, "the wheel installs into a venv and imports (" + out.strip().splitlines()[-1]
           + ")" if ok else "the wheel installs into a venv and imports", out)


def sdist(root, tmp):
    py = python_with("mesonpy", "build")
    if py is None or shutil.which("git") is None:
        skip("python -m build --sdist --no-isolation (offline)", "no python3-build or git")
        return
    src = os.path.join(tmp, "sdist-src")
    copy_tree(root, src)
    git = ["git", "-C", src, "-c", "user.name=check_packaging", "-c", "user.email=nobody@invalid",
           "-c", "commit.gpgsign=false"]
    ok, out = run(git + ["init", "-q"])
    ok = ok and run(git + ["add", "-A"])[0] and run(git + ["commit", "-qm", "snapshot"])[0]
    if ok:
        ok, out = run([py, "-m", "build", "--sdist", "--no-isolation", "-o",
                       os.path.join(tmp, "dist"), src])
    tars = glob.glob(os.path.join(tmp, "dist", "libeni-*.tar.gz"))
    names = tarfile.open(tars[0]).getnames() if tars else []
    want = {"pyproject.toml", "PKG-INFO", "meson.build", "bindings/python/libeni/_aws.py",
            "tools/enictl/enictl.1"}
    have = {n.split("/", 1)[1] for n in names if "/" in n}
    result(ok and want <= have, "python -m build --sdist --no-isolation (offline): "
           f"{len(names)} files", out + f"\nmissing: {sorted(want - have)}")


def main():
    root = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="libeni-packaging-") as tmp:
        wheel(root, tmp)
        sdist(root, tmp)
    print(f"1..{TESTS}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
