# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The model from the AWS CLI's JSON: ``load_aws_json(ctx, *paths_or_dicts)``.

What ``enictl load`` does (docs/enictl.md), in Python on top of the
bindings: the outputs of ``aws ec2 describe-vpcs``, ``describe-subnets``,
``describe-security-groups``, ``describe-managed-prefix-lists``,
``get-managed-prefix-list-entries``, ``describe-network-interfaces``,
``describe-instances`` and ``describe-network-acls``, in any order, become
objects under the ids EC2 gave them: VPCs with their secondary IPv4 blocks and
IPv6 blocks, subnets, network ACLs with their entries and associations (a
VPC's default ACL adopts the JSON's id and entries), prefix lists, groups and
rules, interfaces with their delegated prefixes, instances, Elastic IPs.
Bad JSON raises :class:`AwsJsonError` naming the file and the JSON path;
what libeni does not model is reported as skipped, with the reason.
"""
from __future__ import annotations

import ipaddress
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from ._acl import AclEntry
from ._context import Context, LaunchInterface
from ._enums import Kind
from ._errors import (AlreadyExistsError, InUseError, InvalidParameterError, InvalidStateError,
                      LibeniError, LimitExceededError, NotFoundError, NotSupportedError,
                      PermissionDeniedError, check)
from ._ffi import cstr, ffi, lib
from ._instances import ConntrackTimeouts, InstanceType
from ._network import Rule

__all__ = ["AwsJsonError", "AwsLoad", "AwsEntry", "load_aws_json"]

#: A type libeni knows with room for any interface: instances the input lacks
#: but an interface is attached to are stood in by one (as enictl does).
STAND_IN_TYPE = "p5.48xlarge"
#: EC2's implicit deny rules of a network ACL ("*"): 32767 for IPv4, 32768 for IPv6
_ACL_IMPLICIT = {32767: ("CidrBlock", "0.0.0.0/0", 4), 32768: ("Ipv6CidrBlock", "::/0", 6)}
_LISTS = {"Vpcs": ("vpc", "VpcId"), "Subnets": ("subnet", "SubnetId"),
          "SecurityGroups": ("group", "GroupId"), "PrefixLists": ("pl", "PrefixListId"),
          "NetworkInterfaces": ("nic", "NetworkInterfaceId"), "NetworkAcls": ("acl", "NetworkAclId")}
_PROTOCOLS = {"-1": -1, "tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}
_STATES = ("pending", "running", "stopping", "stopped", "shutting-down", "terminated")
#: from pending, along EC2's transitions
_PATHS = {"pending": (), "running": ("running",), "stopping": ("running", "stopping"),
          "stopped": ("running", "stopping", "stopped")}
#: libeni refusals that say the input is wrong (the rest: libeni goes less far than EC2)
_BAD_INPUT = (InvalidParameterError, InUseError, AlreadyExistsError, NotFoundError)
_NOT_MODELLED = (LimitExceededError, InvalidStateError, NotSupportedError, PermissionDeniedError)


class AwsJsonError(ValueError):
    """JSON enictl and :func:`load_aws_json` cannot use: ``file``, ``path``
    (``$.SecurityGroups[1].IpPermissions[0]``) and ``message`` say where and why."""

    def __init__(self, file: str, path: str, message: str) -> None:
        super().__init__(f"{file}: {path}: {message}")
        self.file, self.path, self.message = file, path, message


@dataclass
class AwsEntry:
    """One line of the report: what (``kind``, the EC2 ``id``), where it was
    read (``file``, ``path``) and a summary, a reason or a note (``text``)."""
    kind: str
    id: str
    file: str
    path: str
    text: str


@dataclass
class AwsLoad:
    """What :func:`load_aws_json` built, skipped and noted; ``objects`` maps
    each EC2 id to its wrapper, ``macs`` each interface to its EC2 MAC address
    (the model mints its own; :func:`libeni.replay_pcap` takes it)."""
    built: List[AwsEntry] = field(default_factory=list)
    skipped: List[AwsEntry] = field(default_factory=list)
    notes: List[AwsEntry] = field(default_factory=list)
    objects: Dict[str, Any] = field(default_factory=dict)
    macs: Dict[str, str] = field(default_factory=dict)


class _Loc:
    """A file and a JSON path in it."""

    def __init__(self, file: str, path: str = "$") -> None:
        self.file, self.path = file, path

    def key(self, k: str) -> "_Loc":
        return _Loc(self.file, f"{self.path}.{k}")

    def at(self, i: int) -> "_Loc":
        return _Loc(self.file, f"{self.path}[{i}]")

    def fail(self, message: str) -> AwsJsonError:
        return AwsJsonError(self.file, self.path, message)


_TYPES = {dict: "an object", list: "an array", str: "a string", int: "an integer", bool: "a boolean"}


def _get(obj: dict, key: str, want: type, loc: _Loc, required: bool = False) -> Any:
    v = obj.get(key)
    if v is None:
        if required:
            raise loc.key(key).fail("missing (required)")
        return None
    if not isinstance(v, want) or (want is int and isinstance(v, bool)):
        raise loc.key(key).fail(f"expected {_TYPES[want]}, got {_TYPES.get(type(v), 'a number')}")
    if want is str and required and not v:
        raise loc.key(key).fail("empty string")
    return v


def _objects(obj: dict, key: str, loc: _Loc) -> List[Tuple[dict, _Loc]]:
    out = []
    for i, el in enumerate(_get(obj, key, list, loc) or []):
        if not isinstance(el, dict):
            raise loc.key(key).at(i).fail(f"expected an object, got {_TYPES.get(type(el), 'a value')}")
        out.append((el, loc.key(key).at(i)))
    return out


def _name(obj: dict, key: str, loc: _Loc, required: bool = False) -> Optional[str]:
    """A string that may not be empty (EC2's ids, names and CIDRs never are)."""
    v = _get(obj, key, str, loc, required)
    if v is not None and not v:
        raise loc.key(key).fail("empty string")
    return v


def _int_in(obj: dict, key: str, loc: _Loc, lo: int, hi: int, required: bool = False
            ) -> Optional[int]:
    v = _get(obj, key, int, loc, required)
    if v is not None and not lo <= v <= hi:
        raise loc.key(key).fail(f"{v} is out of range ({lo}..{hi})")
    return v


def _within(inner: str, outer: str) -> bool:
    try:
        a = ipaddress.ip_network(inner, strict=False)
        b = ipaddress.ip_network(outer, strict=False)
    except (ValueError, TypeError):
        return True  # libeni says what is wrong with it
    # a block of the other family never holds it (as build_cidr_within in enictl)
    return a.version == b.version and a.subnet_of(b)  # type: ignore[arg-type]


def _no_duplicates(pairs: List[Tuple[str, Any]]) -> dict:
    d: dict = {}
    for k, v in pairs:
        if k in d:
            raise ValueError(f"duplicate object key {k!r}")
        d[k] = v
    return d


@dataclass
class _Item:
    obj: dict
    loc: _Loc
    id: str
    instance: Optional["_Item"] = None  # a nic listed by describe-instances
    built: Any = None
    skipped: Optional[str] = None


class _Loader:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.items: Dict[str, Dict[str, _Item]] = {k: {} for k in
                                                   ("vpc", "subnet", "group", "pl", "entries",
                                                    "nic", "instance", "acl")}
        self.report = AwsLoad()

    # -- reading ----------------------------------------------------------------
    def read(self, source: Union[str, "os.PathLike[str]", dict], n: int) -> None:
        if isinstance(source, dict):
            doc, name = source, f"<dict {n}>"
        else:
            name = os.fspath(source)
            try:
                with open(name, "rb") as f:
                    data = f.read()
            except OSError as e:
                raise AwsJsonError(name, "$", e.strerror or str(e)) from None
            if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1",
                            b"\xa1\xb2\x3c\x4d", b"\x0a\x0d\x0d\x0a"):
                raise AwsJsonError(name, "$", "a capture, not JSON")
            try:
                doc = json.loads(data, object_pairs_hook=_no_duplicates)
            except (ValueError, UnicodeDecodeError) as e:
                raise AwsJsonError(name, "$", str(e)) from None
        root = _Loc(name)
        if not isinstance(doc, dict):
            raise root.fail("expected an object such as {\"SecurityGroups\": [...]}")
        for key in doc:
            if key in _LISTS:
                kind, id_key = _LISTS[key]
                for obj, loc in _objects(doc, key, root):
                    self.add(kind, obj, loc, _get(obj, id_key, str, loc, True))
            elif key == "Reservations":
                self.read_reservations(doc, root)
            elif key == "Entries":
                _get(doc, "Entries", list, root, True)
                self.add("entries", doc, root, self.entries_id(doc, root))
            elif key == "NextToken":
                self.note("file", "", root, "the output is paginated (NextToken): objects on "
                          "later pages are missing")
            elif not (key == "PrefixListId" and "Entries" in doc):
                raise root.key(key).fail("not a describe output enictl reads (Vpcs, Subnets, "
                                         "SecurityGroups, PrefixLists, Entries, "
                                         "NetworkInterfaces, Reservations, NetworkAcls)")

    def read_reservations(self, doc: dict, root: _Loc) -> None:
        for res, rloc in _objects(doc, "Reservations", root):
            _get(res, "Instances", list, rloc, True)
            for inst, iloc in _objects(res, "Instances", rloc):
                item = self.add("instance", inst, iloc, _get(inst, "InstanceId", str, iloc, True))
                for nic, nloc in _objects(inst, "NetworkInterfaces", iloc):
                    self.add("nic", nic, nloc, _get(nic, "NetworkInterfaceId", str, nloc, True),
                             item)

    @staticmethod
    def entries_id(doc: dict, root: _Loc) -> str:
        given = _get(doc, "PrefixListId", str, root)
        m = given or re.search(r"pl-[0-9a-f]{8}(?:[0-9a-f]{9})?", os.path.basename(root.file))
        if not m:
            raise root.key("Entries").fail(
                "which prefix list? get-managed-prefix-list-entries does not say: name the "
                "file after the list (pl-0123456789abcdef0.json) or add \"PrefixListId\"")
        return given or m.group(0)

    def add(self, kind: str, obj: dict, loc: _Loc, id_: str,
            instance: Optional[_Item] = None) -> _Item:
        old = self.items[kind].get(id_)
        if old is not None and kind == "nic" and (old.instance is None) != (instance is None):
            if instance is not None:
                old.instance = instance
            else:  # describe-network-interfaces has the fuller record
                old.obj, old.loc = obj, loc
            return old
        if old is not None:
            if old.obj != obj:
                raise loc.fail(f"{id_} differs from the one at {old.loc.file} {old.loc.path}")
            self.note("file", id_, loc, f"read twice (also at {old.loc.file} {old.loc.path})")
            return old
        item = self.items[kind][id_] = _Item(obj, loc, id_, instance)
        return item

    # -- the report -----------------------------------------------------------------
    def entry(self, kind: str, id_: str, loc: Optional[_Loc], text: str) -> AwsEntry:
        return AwsEntry(kind, id_, loc.file if loc else "", loc.path if loc else "", text)

    def built(self, kind: str, item: _Item, obj: Any, text: str) -> None:
        item.built = obj
        self.report.objects[item.id] = obj
        self.report.built.append(self.entry(kind, item.id, item.loc, text))

    def skip(self, kind: str, id_: str, loc: _Loc, why: str, item: Optional[_Item] = None) -> None:
        if item is not None:
            item.skipped = why
        self.report.skipped.append(self.entry(kind, id_, loc, why))

    def note(self, kind: str, id_: str, loc: Optional[_Loc], text: str) -> None:
        self.report.notes.append(self.entry(kind, id_, loc, text))

    def ref(self, kind: str, id_: str) -> Tuple[Optional[_Item], str]:
        names = {"vpc": ("VPC", "describe-vpcs"), "subnet": ("subnet", "describe-subnets"),
                 "group": ("security group", "describe-security-groups"),
                 "pl": ("prefix list", "describe-managed-prefix-lists")}
        item = self.items[kind].get(id_)
        if item is not None and item.built is not None:
            return item, ""
        name, command = names[kind]
        if item is None:
            return None, f"{name} {id_} is not in the input ({command})"
        return None, f"{name} {id_} was skipped: {item.skipped}"

    def attempt(self, call: Callable[[], Any], kind: str, id_: str, loc: _Loc, what: str,
                item: Optional[_Item] = None) -> Any:
        """A libeni call for an object of the input: a refusal that says the input
        is wrong raises AwsJsonError, one that says libeni goes less far than EC2
        skips the object (None)."""
        try:
            return call()
        except _NOT_MODELLED as e:
            self.skip(kind, id_, loc, f"libeni refused {what}: {e.message} ({e.ec2_code})", item)
        except _BAD_INPUT as e:
            raise loc.fail(f"libeni refused {what}: {e.message} ({e.ec2_code})") from None
        return None

    # -- building, in enictl's order ------------------------------------------------
    def build(self) -> AwsLoad:
        self.quotas()
        for step in (self.vpcs, self.subnets, self.acls, self.prefix_lists, self.groups,
                     self.rules, self.nics, self.instances, self.eips):
            step()
        return self.report

    def quotas(self) -> None:
        nics = self.items["nic"].values()
        per_nic = max([5] + [len(n.obj.get("Groups") or []) for n in nics])
        rules = 60
        for g in self.items["group"].values():
            for key in ("IpPermissions", "IpPermissionsEgress"):
                cost = 0
                for p in g.obj.get(key) or []:
                    cost += sum(len(p.get(k) or []) for k in ("IpRanges", "Ipv6Ranges",
                                                              "UserIdGroupPairs"))
                    for pl in p.get("PrefixListIds") or []:
                        item = self.items["pl"].get(pl.get("PrefixListId"))
                        cost += (item.obj.get("MaxEntries") or 1) if item else 1
                rules = max(rules, cost)
        if per_nic > 16:
            raise next(n.loc.key("Groups") for n in nics
                       if len(n.obj.get("Groups") or []) > 16).fail("EC2 allows 16 groups")
        acl_rules, acls, blocks, blocks6 = 20, 200, 5, 5
        for a in self.items["acl"].values():
            counts: Dict[Tuple[bool, bool], int] = {}
            for e in a.obj.get("Entries") or []:
                number = e.get("RuleNumber") if isinstance(e, dict) else None
                if not isinstance(e, dict) or (isinstance(number, int) and number >= 32767):
                    continue  # the implicit deny, counted as the 1 below
                key = (e.get("Egress") is True, isinstance(e.get("Ipv6CidrBlock"), str))
                counts[key] = counts.get(key, 1) + 1
            acl_rules = max([acl_rules] + list(counts.values()))
        for v in self.items["vpc"].values():
            acls = max(acls, sum(a.obj.get("VpcId") == v.id for a in self.items["acl"].values()))
            primary = v.obj.get("CidrBlock")
            used = 1  # the primary
            for b in v.obj.get("CidrBlockAssociationSet") or []:
                state = (b.get("CidrBlockState") or {}) if isinstance(b, dict) else {}
                used += (isinstance(b, dict) and isinstance(b.get("CidrBlock"), str)
                         and b["CidrBlock"] != primary and isinstance(state, dict)
                         and state.get("State", "associated") in (None, "associated"))
            blocks = max(blocks, used)
            used6 = 0
            for b in v.obj.get("Ipv6CidrBlockAssociationSet") or []:
                state = (b.get("Ipv6CidrBlockState") or {}) if isinstance(b, dict) else {}
                used6 += (isinstance(b, dict) and isinstance(b.get("Ipv6CidrBlock"), str)
                          and isinstance(state, dict)
                          and state.get("State", "associated") in (None, "associated"))
            blocks6 = max(blocks6, used6)
        if acl_rules > 40:
            self.note("quota", "", None, f"the input needs {acl_rules} entries per network ACL, "
                      "direction and family: EC2 allows at most 40, the implicit deny included")
            acl_rules = 40
        if blocks > 50:
            self.note("quota", "", None, f"the input needs {blocks} IPv4 blocks in a VPC: EC2 "
                      "allows at most 50")
            blocks = 50
        if blocks6 > 50:
            self.note("quota", "", None, f"the input needs {blocks6} IPv6 blocks in a VPC: EC2 "
                      "allows at most 50")
            blocks6 = 50
        self.ctx.set_quotas(elastic_ips=5 + 2 * len(nics),
                            network_interfaces=max(5000, len(nics)),
                            security_groups=max(2500, len(self.items["group"])),
                            rules_per_group=min(rules, 1000 // per_nic),
                            groups_per_interface=per_nic, acl_rules=acl_rules,
                            network_acls_per_vpc=acls, cidr_blocks_per_vpc=blocks,
                            ipv6_cidr_blocks_per_vpc=blocks6)

    @staticmethod
    def block_state(b: dict, loc: _Loc, key: str) -> str:
        """The state of a CIDR block association ("associated" when absent)."""
        st = _get(b, key, dict, loc)
        return (_name(st, "State", loc.key(key)) if st is not None else None) or "associated"

    def in_use(self, item: _Item, b: dict, loc: _Loc, key: str, cidr: str, kind: str) -> bool:
        """Whether a block of a ...CidrBlockAssociationSet is associated; notes the others."""
        state = self.block_state(b, loc, key)
        if state == "associated":
            return True
        self.note(kind, item.id, loc, f"block {cidr} is {state}: left out of the model")
        return False

    def given_id(self, item: _Item, key: str, kind: Kind) -> None:
        """An id EC2 gave that libeni finds malformed is bad JSON, there where it is."""
        out = ffi.new("uint64_t *")
        try:
            check(lib.eni_id_parse(self.ctx._ptr, cstr(item.id, key), int(kind), out))
        except InvalidParameterError as e:
            raise item.loc.key(key).fail(f"libeni refused the id: {e.message} "
                                         f"({e.ec2_code})") from None
        except NotFoundError:
            pass

    def vpcs(self) -> None:
        for v in self.items["vpc"].values():
            cidr = _name(v.obj, "CidrBlock", v.loc, True)
            acl = next((a for a in self.items["acl"].values()
                        if _get(a.obj, "VpcId", str, a.loc) == v.id
                        and _get(a.obj, "IsDefault", bool, a.loc)), None)
            ipv6 = self.first_ipv6_block(v)
            default = next((g.id for g in self.items["group"].values()
                            if g.obj.get("VpcId") == v.id and g.obj.get("GroupName") == "default"),
                           None)
            if acl is not None:
                self.given_id(acl, "NetworkAclId", Kind.NETWORK_ACL)
            vpc = self.attempt(lambda: self.ctx.create_vpc(
                cidr, ipv6_cidr_block=ipv6, id=v.id, default_group_id=default,
                default_acl_id=acl.id if acl is not None else None),
                "vpc", v.id, v.loc, "the VPC", v)
            if vpc is None:
                self.ipv6_blocks(v, ipv6, None)  # read, to report bad JSON
                self.secondary_blocks(v, cidr, None)
                continue
            if default:
                self.items["group"][default].built = vpc.default_security_group
            if acl is not None:
                acl.built = self.ctx.get(acl.id)  # its entries and associations: acls()
            self.ipv6_blocks(v, ipv6, vpc)
            self.secondary_blocks(v, cidr, vpc)
            self.built("vpc", v, vpc, " ".join(vpc.cidr_blocks))

    def secondary_blocks(self, v: _Item, primary: str, vpc: Any) -> None:
        """The VPC's secondary IPv4 blocks, associated in the JSON's order."""
        for b, loc in _objects(v.obj, "CidrBlockAssociationSet", v.loc):
            cidr = _name(b, "CidrBlock", loc, True)
            if cidr == primary or not self.in_use(v, b, loc, "CidrBlockState", cidr,
                                                  "vpc-cidr-block") or vpc is None:
                continue
            self.attempt(lambda: vpc.associate_cidr_block(cidr), "vpc-cidr-block", v.id, loc,
                         "the CIDR block")

    def first_ipv6_block(self, v: _Item) -> Optional[str]:
        """The VPC's first associated IPv6 /56, the one it is made with (only read:
        ipv6_blocks() reports on every block)."""
        for b, loc in _objects(v.obj, "Ipv6CidrBlockAssociationSet", v.loc):
            cidr = _name(b, "Ipv6CidrBlock", loc, True)
            if self.block_state(b, loc, "Ipv6CidrBlockState") == "associated" \
                    and cidr.endswith("/56"):
                return cidr
        return None

    def ipv6_blocks(self, v: _Item, first: Optional[str], vpc: Any) -> None:
        """The VPC's IPv6 blocks past ``first``: associated /56 blocks join it in the
        JSON's order, the others are noted or skipped."""
        for b, loc in _objects(v.obj, "Ipv6CidrBlockAssociationSet", v.loc):
            cidr = _name(b, "Ipv6CidrBlock", loc, True)
            if not self.in_use(v, b, loc, "Ipv6CidrBlockState", cidr, "vpc-cidr-block"):
                continue
            if not cidr.endswith("/56"):
                self.skip("vpc-cidr-block", v.id, loc,
                          f"IPv6 block {cidr}: libeni models /56 blocks in a VPC")
                continue
            if cidr == first or vpc is None:
                continue
            self.attempt(lambda: vpc.associate_cidr_block(cidr), "vpc-cidr-block", v.id, loc,
                         "the CIDR block")

    def subnet_ipv6_block(self, s: _Item) -> Optional[str]:
        """A subnet's IPv6 /64: the first of its set; the others are skipped."""
        chosen = None
        for b, loc in _objects(s.obj, "Ipv6CidrBlockAssociationSet", s.loc):
            cidr = _name(b, "Ipv6CidrBlock", loc, True)
            if not self.in_use(s, b, loc, "Ipv6CidrBlockState", cidr, "subnet-cidr-block"):
                continue
            if chosen is None and cidr.endswith("/64"):
                chosen = cidr
            else:
                self.skip("subnet-cidr-block", s.id, loc,
                          f"IPv6 block {cidr}: libeni models one /64 per subnet")
        return chosen

    def ipv6_left_out(self, s: _Item, vpc: _Item, cidr: str) -> bool:
        """Whether a subnet's IPv6 /64 stays out of the model, noted: its VPC has no IPv6
        block there, or the /64 lies in a block of the JSON's VPC that is not (one outside
        every block goes to libeni, which refuses it)."""
        if vpc.built.ipv6_cidr_block is None:
            self.note("subnet", s.id, s.loc, f"IPv6 block {cidr} left out: its VPC has no "
                      "IPv6 block in the model")
            return True
        blocks = vpc.obj.get("Ipv6CidrBlockAssociationSet") or []
        block = next((b["Ipv6CidrBlock"] for b in blocks
                      if isinstance(b, dict) and isinstance(b.get("Ipv6CidrBlock"), str)
                      and _within(cidr, b["Ipv6CidrBlock"])), None)
        if block is None or any(_within(cidr, m) for m in vpc.built.ipv6_cidr_blocks):
            return False
        self.note("subnet", s.id, s.loc, f"IPv6 block {cidr} left out: it lies in the VPC's "
                  f"block {block}, which is not in the model")
        return True

    def subnets(self) -> None:
        for s in self.items["subnet"].values():
            vpc_id = _get(s.obj, "VpcId", str, s.loc, True)
            cidr = _get(s.obj, "CidrBlock", str, s.loc)
            az = _get(s.obj, "AvailabilityZone", str, s.loc, True)
            public = bool(_get(s.obj, "MapPublicIpOnLaunch", bool, s.loc))
            assign6 = bool(_get(s.obj, "AssignIpv6AddressOnCreation", bool, s.loc))
            vpc, why = self.ref("vpc", vpc_id)
            if vpc is not None and cidr is None:
                why = "an IPv6-only subnet: libeni needs an IPv4 block"
            elif vpc is not None:
                block = next((b["CidrBlock"] for b in vpc.obj.get("CidrBlockAssociationSet") or []
                              if isinstance(b, dict) and isinstance(b.get("CidrBlock"), str)
                              and _within(cidr, b["CidrBlock"])), None)
                if block and not any(_within(cidr, m) for m in vpc.built.cidr_blocks):
                    why = f"it lies in the VPC's block {block}, which is not in the model"
            if why:
                self.skip("subnet", s.id, s.loc, why, s)
                continue
            ipv6 = self.subnet_ipv6_block(s)
            if ipv6 and self.ipv6_left_out(s, vpc, ipv6):
                ipv6 = None
            sub = self.attempt(lambda: vpc.built.create_subnet(
                cidr, az, ipv6_cidr_block=ipv6, map_public_ip_on_launch=public,
                assign_ipv6_address_on_creation=assign6 and ipv6 is not None, id=s.id),
                "subnet", s.id, s.loc, "the subnet", s)
            if sub is not None:
                self.built("subnet", s, sub, f"{cidr} {az} in {vpc_id}")

    # -- network ACLs ----------------------------------------------------------------
    def acls(self) -> None:
        """The JSON's ACLs: a VPC's default one was made with it (vpcs()), the others
        are created; then their entries (a default ACL's replaced: the JSON lists what
        it holds) and associations; reported once every subnet has moved."""
        for a in self.items["acl"].values():
            vpc_id = _name(a.obj, "VpcId", a.loc, True)
            is_default = bool(_get(a.obj, "IsDefault", bool, a.loc))
            vpc, why = self.ref("vpc", vpc_id)
            if vpc is None:
                self.skip("network-acl", a.id, a.loc, why, a)
            elif is_default and a.built is None:  # the VPC's first default ACL won
                raise a.loc.key("IsDefault").fail(f"a second default network ACL of {vpc_id}")
            elif not is_default:
                a.built = self.attempt(lambda: vpc.built.create_network_acl(id=a.id),
                                       "network-acl", a.id, a.loc, "the network ACL", a)
        seen: Dict[str, _Loc] = {}
        for a in self.items["acl"].values():
            self.acl_entries(a)
            self.acl_associations(a, seen)
        for a in self.items["acl"].values():
            if a.built is None:
                continue
            acl = a.built
            ins, outs, subs = len(acl.ingress_entries), len(acl.egress_entries), len(acl.subnets)
            self.built("network-acl", a, acl,
                       f"{'default ACL of' if acl.is_default else 'in'} {a.obj['VpcId']}: "
                       f"{ins} inbound, {outs} outbound entr{'y' if outs == 1 else 'ies'}, "
                       f"{subs} subnet{'' if subs == 1 else 's'}")

    def acl_entries(self, a: _Item) -> None:
        if a.built is not None and a.obj.get("IsDefault") is True:
            for e in a.built.entries:  # the ones libeni gave it
                a.built.delete_entry(e.rule_number, egress=e.egress)
        for e, loc in _objects(a.obj, "Entries", a.loc):
            entry = self.acl_entry(e, loc)
            if entry is not None and a.built is not None:
                self.attempt(lambda: a.built.create_entry(entry), "network-acl-entry", a.id, loc,
                             "the entry")

    @staticmethod
    def acl_entry(e: dict, loc: _Loc) -> Optional[AclEntry]:
        """One entry of Entries; None for EC2's implicit "*" rules, which are only checked."""
        number = _int_in(e, "RuleNumber", loc, 1, 32768, True)
        proto = _name(e, "Protocol", loc, True)
        if proto != "-1" and not (proto.isascii() and proto.isdigit() and int(proto) <= 255):
            raise loc.key("Protocol").fail(f"expected -1 or a protocol number 0..255, got "
                                           f"{proto!r}")
        action = _name(e, "RuleAction", loc, True)
        if action not in ("allow", "deny"):
            raise loc.key("RuleAction").fail(f"expected allow or deny, got {action!r}")
        egress = bool(_get(e, "Egress", bool, loc))
        v4, v6 = _name(e, "CidrBlock", loc), _name(e, "Ipv6CidrBlock", loc)
        if (v4 is None) == (v6 is None):
            raise loc.fail("an entry has one of CidrBlock and Ipv6CidrBlock, not "
                           f"{'both' if v4 else 'neither'}")
        numbers = {}
        for key, a, b, lo in (("PortRange", "From", "To", 0), ("IcmpTypeCode", "Type", "Code", -1)):
            pair = _get(e, key, dict, loc)
            if pair is not None:
                numbers[key] = (_int_in(pair, a, loc.key(key), lo, 65535, True),
                                _int_in(pair, b, loc.key(key), lo, 65535, True))
        if number in _ACL_IMPLICIT:
            key, cidr, family = _ACL_IMPLICIT[number]
            if action != "deny" or proto != "-1" or (v4 or v6) != cidr:
                raise loc.fail(f"rule {number} is EC2's implicit deny of all IPv{family} traffic "
                               f"(\"*\"), which cannot be changed: expected Protocol -1, "
                               f"RuleAction deny, {key} {cidr}")
            return None
        ports = numbers.get("PortRange", (-1, -1))
        icmp = numbers.get("IcmpTypeCode", (-1, -1))
        return AclEntry(number, int(proto), action, v4 or v6, egress, from_port=ports[0],
                        to_port=ports[1], icmp_type=icmp[0], icmp_code=icmp[1])

    def acl_associations(self, a: _Item, seen: Dict[str, _Loc]) -> None:
        for x, loc in _objects(a.obj, "Associations", a.loc):
            subnet_id = _name(x, "SubnetId", loc, True)
            acl_id = _name(x, "NetworkAclId", loc)
            if acl_id and acl_id != a.id:
                raise loc.key("NetworkAclId").fail(f"names {acl_id}, but the association is "
                                                   f"inside network ACL {a.id}")
            if subnet_id in seen:
                raise loc.key("SubnetId").fail(
                    f"subnet {subnet_id} is associated twice (also at {seen[subnet_id].file} "
                    f"{seen[subnet_id].path}): a subnet has exactly one network ACL")
            seen[subnet_id] = loc
            if a.built is None:
                continue
            if subnet_id not in self.items["subnet"]:  # EC2 lists its own subnets only
                raise loc.key("SubnetId").fail(f"subnet {subnet_id} is not in the input "
                                               "(describe-subnets): give the subnets of the "
                                               "ACL's VPC too")
            subnet, why = self.ref("subnet", subnet_id)
            if subnet is None:
                self.skip("network-acl-association", a.id, loc, why)
                continue
            self.attempt(lambda: a.built.associate(subnet.built), "network-acl-association",
                         a.id, loc, "the association")

    def prefix_lists(self) -> None:
        for p in self.items["pl"].values():
            name = _get(p.obj, "PrefixListName", str, p.loc, True)
            family = _get(p.obj, "AddressFamily", str, p.loc, True)
            if family not in ("IPv4", "IPv6"):
                raise p.loc.key("AddressFamily").fail(f"expected IPv4 or IPv6, got {family!r}")
            entries = self.items["entries"].get(p.id)
            cidrs = [_get(e, "Cidr", str, loc, True)
                     for e, loc in (_objects(entries.obj, "Entries", entries.loc) if entries else [])]
            aws = p.obj.get("OwnerId") == "AWS" or name.startswith("com.amazonaws")
            shown = f"aws-managed:{name}"[:255] if aws else name
            max_entries = _get(p.obj, "MaxEntries", int, p.loc) or min(max(len(cidrs), 1), 1000)
            pl = self.attempt(lambda: self.ctx.create_prefix_list(
                shown, max_entries, 4 if family == "IPv4" else 6, cidrs, id=p.id),
                "prefix-list", p.id, p.loc, "the prefix list", p)
            if pl is None:
                continue
            if entries:
                entries.built = pl
            if aws:
                self.note("prefix-list", p.id, p.loc, f"AWS-managed list {name!r} is named "
                          f"{shown!r} in the model")
            self.built("prefix-list", p, pl, f"{name} {family}, {len(cidrs)} entries")
        for e in self.items["entries"].values():
            if e.built is None:
                self.skip("prefix-list-entries", e.id, e.loc, f"prefix list {e.id} is not in "
                          "the input (describe-managed-prefix-lists)", e)

    def groups(self) -> None:
        for g in self.items["group"].values():
            name = _get(g.obj, "GroupName", str, g.loc, True)
            desc = _get(g.obj, "Description", str, g.loc, True)
            vpc_id = _get(g.obj, "VpcId", str, g.loc)
            vpc, why = self.ref("vpc", vpc_id) if vpc_id else (None, "no VpcId: an EC2-Classic group")
            if vpc is None:
                self.skip("security-group", g.id, g.loc, why, g)
            elif name != "default":
                g.built = self.attempt(lambda: vpc.built.create_security_group(name, desc, id=g.id),
                                       "security-group", g.id, g.loc, "the group", g)

    def rules(self) -> None:
        for g in self.items["group"].values():
            counts = []
            if g.built is not None:
                old = g.built.ingress_rules + g.built.egress_rules
                if old:  # the rules libeni gave it: the JSON says what it holds
                    g.built.revoke(*old)
            for key, authorize in (("IpPermissions", "authorize_ingress"),
                                   ("IpPermissionsEgress", "authorize_egress")):
                counts.append(sum(self.permission(g, p, loc, authorize)
                                  for p, loc in _objects(g.obj, key, g.loc)))
            if g.built is not None:
                self.built("security-group", g, g.built, f"{g.obj['GroupName']}: {counts[0]} "
                           f"inbound, {counts[1]} outbound rules")

    def permission(self, g: _Item, p: dict, loc: _Loc, authorize: str) -> int:
        proto = _get(p, "IpProtocol", str, loc, True)
        if proto not in _PROTOCOLS and not (proto.isdigit() and int(proto) <= 255):
            raise loc.key("IpProtocol").fail(f"expected tcp, udp, icmp, icmpv6, -1 or 0..255, "
                                             f"got {proto!r}")
        number = _PROTOCOLS.get(proto, None)
        number = int(proto) if number is None else number
        ports = [_get(p, k, int, loc) for k in ("FromPort", "ToPort")]
        base = dict(protocol=number, from_port=-1 if ports[0] is None else ports[0],
                    to_port=-1 if ports[1] is None else ports[1])
        added = 0
        for key, field_ in (("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6"),
                            ("PrefixListIds", "PrefixListId"), ("UserIdGroupPairs", "GroupId")):
            for peer, ploc in _objects(p, key, loc):
                value = _get(peer, field_, str, ploc, True)
                desc = _get(peer, "Description", str, ploc)
                if g.built is None:
                    continue
                rule = self.rule(g, key, value, peer, ploc, base, desc)
                if rule is not None and self.attempt(
                        lambda: getattr(g.built, authorize)(rule), "security-group-rule", g.id,
                        ploc, "the rule") is not None:
                    added += 1
        return added

    def rule(self, g: _Item, key: str, value: str, peer: dict, loc: _Loc, base: dict,
             desc: Optional[str]) -> Optional[Rule]:
        if key in ("IpRanges", "Ipv6Ranges"):
            return Rule(cidr=value, description=desc, **base)
        if key == "PrefixListIds":
            pl, why = self.ref("pl", value)
            if pl is not None:
                return Rule(prefix_list=pl.built, description=desc, **base)
        else:
            other = self.items["group"].get(value)
            owner, user = g.obj.get("OwnerId"), peer.get("UserId")
            why = ""
            if peer.get("VpcPeeringConnectionId"):
                why = f"group {value} of a peered VPC ({peer['VpcPeeringConnectionId']})"
            elif user and owner and user != owner:
                why = f"group {value} belongs to account {user}, not {owner}"
            elif other is not None and other.obj.get("VpcId") != g.obj.get("VpcId"):
                why = f"group {value} is in another VPC ({other.obj.get('VpcId')})"
            else:
                ref, why = self.ref("group", value)
                if ref is not None:
                    return Rule(group=ref.built, description=desc, **base)
        self.skip("security-group-rule", g.id, loc, why)
        return None

    def nics(self) -> None:
        for n in self.items["nic"].values():
            self.nic(n)

    def nic(self, n: _Item) -> None:
        obj, loc = n.obj, n.loc
        attached = (obj.get("Attachment") or {}).get("InstanceId")
        if n.instance is not None and attached and attached != n.instance.id:
            raise loc.key("Attachment").fail(f"attached to {attached}, but {n.instance.id} "
                                             f"lists it at {n.instance.loc.file} "
                                             f"{n.instance.loc.path}")
        subnet, why = self.ref("subnet", _get(obj, "SubnetId", str, loc, True))
        primary = _get(obj, "PrivateIpAddress", str, loc)
        secondary, v6 = [], []
        for a, aloc in _objects(obj, "PrivateIpAddresses", loc):
            ip = _get(a, "PrivateIpAddress", str, aloc, True)
            if _get(a, "Primary", bool, aloc):
                primary = ip
            else:
                secondary.append(ip)
        v6 = [_get(a, "Ipv6Address", str, aloc, True)
              for a, aloc in _objects(obj, "Ipv6Addresses", loc)]
        groups = [_get(g, "GroupId", str, gloc, True) for g, gloc in _objects(obj, "Groups", loc)]
        prefixes = [(family, _name(p, key[:-2], ploc, True), ploc)
                    for key, family in (("Ipv4Prefixes", 4), ("Ipv6Prefixes", 6))
                    for p, ploc in _objects(obj, key, loc)]
        ct = _get(obj, "ConnectionTrackingConfiguration", dict, loc) or {}
        kind = _get(obj, "InterfaceType", str, loc) or "interface"
        if isinstance(obj.get("MacAddress"), str):
            self.report.macs[n.id] = obj["MacAddress"]
        if subnet is None:
            return self.skip("network-interface", n.id, loc, why, n)
        if kind in ("trunk", "branch"):
            return self.skip("network-interface", n.id, loc, f"InterfaceType {kind}: trunk and "
                             "branch interfaces are not modelled yet", n)
        if kind not in ("interface", "efa", "efa-only"):
            self.note("network-interface", n.id, loc, f"InterfaceType {kind} is modelled as an "
                      "ordinary interface")
            kind = "interface"
        built = []
        for i, gid in enumerate(groups):
            g, why = self.ref("group", gid)
            if g is None:
                self.skip("network-interface-group", n.id, loc.key("Groups").at(i), why)
            else:
                built.append(g.built)
        if groups and not built:
            return self.skip("network-interface", n.id, loc, "none of its security groups is "
                             "in the model", n)
        if v6 and subnet.built.ipv6_cidr_block is None:
            self.note("network-interface", n.id, loc, f"{len(v6)} IPv6 addresses left out: its "
                      "subnet has no IPv6 block in the model")
            v6 = []
        timeouts = ConntrackTimeouts(ct.get("TcpEstablishedTimeout") or 0,
                                     ct.get("UdpStreamTimeout") or 0, ct.get("UdpTimeout") or 0)
        nic = self.attempt(lambda: self.ctx.create_network_interface(
            subnet.built, groups=built, description=_get(obj, "Description", str, loc),
            private_ip_address=primary, secondary_private_ip_addresses=secondary,
            ipv6_addresses=v6, no_ipv6=not v6, interface_type=kind,
            conntrack_timeouts=timeouts if ct else None, id=n.id),
            "network-interface", n.id, loc, "the interface", n)
        if nic is None:
            return None
        if _get(obj, "SourceDestCheck", bool, loc) is False:
            nic.source_dest_check = False
        delegated = 0
        for family, prefix, ploc in prefixes:  # one at a time: a refusal names its path
            if family == 6 and subnet.built.ipv6_cidr_block is None:
                self.note("network-interface-prefix", n.id, ploc, f"IPv6 prefix {prefix} left "
                          "out: its subnet has no IPv6 block in the model")
                continue
            assign = nic.assign_ipv4_prefixes if family == 4 else nic.assign_ipv6_prefixes
            if self.attempt(lambda: assign([prefix]) or True, "network-interface-prefix", n.id,
                            ploc, "the prefix"):
                delegated += 1
        more = f", {delegated} prefix{'' if delegated == 1 else 'es'}" if delegated else ""
        self.built("network-interface", n, nic, f"{primary}{more} in {subnet.id}")
        return None

    def instances(self) -> None:
        wanted: Dict[str, Tuple[Optional[_Item], List[Tuple[_Item, dict, _Loc]]]] = {}
        for n in self.items["nic"].values():
            att = n.obj.get("Attachment")
            inst = n.instance.id if n.instance else (att or {}).get("InstanceId")
            if inst and isinstance(att, dict) and att.get("Status") != "detached":
                wanted.setdefault(inst, (self.items["instance"].get(inst), []))[1].append(
                    (n, att, n.loc.key("Attachment")))
        for i in self.items["instance"].values():
            wanted.setdefault(i.id, (i, []))
        launched = []
        for id_, (item, atts) in wanted.items():
            inst = self.instance(id_, item, atts)
            if inst is not None:
                launched.append(inst)
        self.ctx.poll()
        for inst, state, atts in launched:
            for step in _PATHS[state]:
                inst.set_state(step)
                self.ctx.poll()
            for n, att, _ in atts:
                if att.get("DeleteOnTermination") and n.built.attachment is not None:
                    n.built.attachment.delete_on_termination = True

    def instance(self, id_: str, item: Optional[_Item], atts: list) -> Optional[tuple]:
        loc = item.loc if item else atts[0][0].loc  # a stand-in: where its interface is
        kind, state, type_ = "instance", "running", STAND_IN_TYPE
        if item is not None:
            type_ = _get(item.obj, "InstanceType", str, loc, True)
            state = _get(_get(item.obj, "State", dict, loc, True), "Name", str, loc.key("State"),
                         True)
            if state not in _STATES:
                raise loc.key("State").key("Name").fail(f"not an instance state: {state!r}")
        launch = []
        for n, att, aloc in atts:
            device = _get(att, "DeviceIndex", int, aloc, True)
            card = _get(att, "NetworkCardIndex", int, aloc) or 0
            if n.built is not None:
                launch.append(LaunchInterface(device_index=device, network_card_index=card,
                                              existing=n.built))
        why = None
        if state in ("shutting-down", "terminated"):
            why = f"{state}: its interfaces are gone or going"
        elif item is not None:
            try:
                InstanceType.lookup(type_)
            except LibeniError:
                why = f"instance type {type_} is not one libeni knows (data/instance-types.csv)"
        if why is None and not any(li.device_index == 0 and li.network_card_index == 0
                                   for li in launch):
            why = "its primary interface (device 0) is not in the model"
        if why is not None:
            if item is not None:
                self.skip(kind, id_, loc, why, item)
            for n, _, aloc in atts:
                if n.built is not None:
                    self.skip("network-interface-attachment", n.id, aloc,
                              f"not attached: instance {id_} was skipped ({why})")
            return None
        virt = "paravirtual" if item and item.obj.get("VirtualizationType") == "paravirtual" \
            else "hvm"
        platform = "windows" if item and item.obj.get("Platform") == "windows" else "linux"
        inst = self.attempt(lambda: self.ctx.run_instance(type_, launch, virtualization=virt,
                                                          platform=platform, instance_id=id_),
                            kind, id_, loc, "the instance", item)
        if inst is None:
            return None
        note = "" if item else " (a stand-in: not in the input)"
        if item is not None:
            item.built = inst
        self.report.objects[id_] = inst
        self.report.built.append(self.entry(kind, id_, loc, f"{type_} {state}{note}"))
        return inst, state, atts

    def eips(self) -> None:
        for n in self.items["nic"].values():
            done = False
            for a, aloc in _objects(n.obj, "PrivateIpAddresses", n.loc):
                assoc = _get(a, "Association", dict, aloc)
                if assoc:
                    self.eip(n, assoc, aloc.key("Association"), a["PrivateIpAddress"])
                    done = done or bool(a.get("Primary"))
            top = _get(n.obj, "Association", dict, n.loc)
            if top and not done and n.obj.get("PrivateIpAddress"):
                self.eip(n, top, n.loc.key("Association"), n.obj["PrivateIpAddress"])

    def eip(self, n: _Item, assoc: dict, loc: _Loc, private_ip: str) -> None:
        alloc = _get(assoc, "AllocationId", str, loc)
        public = _get(assoc, "PublicIp", str, loc)
        if n.built is None:  # read only, to report bad JSON
            return
        if alloc is None:
            self.note("network-interface", n.id, loc, f"public IPv4 {public} has no "
                      "AllocationId (auto-assigned): not modelled")
            return
        eip = self.report.objects.get(alloc)
        if eip is None:
            eip = self.attempt(lambda: self.ctx.allocate_address(allocation_id=alloc),
                               "elastic-ip", alloc, loc, "the Elastic IP")
            if eip is None:
                return
            self.report.objects[alloc] = eip
        if self.attempt(lambda: eip.associate(n.built, private_ip), "elastic-ip", alloc, loc,
                        "the association") is not None:
            self.report.built.append(self.entry("elastic-ip", alloc, loc,
                                                f"{public} on {n.id} {private_ip}"))


def load_aws_json(ctx: Context, *paths_or_dicts: Union[str, "os.PathLike[str]", dict]) -> AwsLoad:
    """Build ``ctx``'s model from the AWS CLI's describe-* outputs: file paths,
    or the parsed dicts. Returns what was built, skipped (and why) and noted;
    raises :class:`AwsJsonError` for JSON it cannot use."""
    loader = _Loader(ctx)
    for n, source in enumerate(paths_or_dicts):
        loader.read(source, n)
    return loader.build()
