"""Resource bombs for the spec readers: small or plain archives whose reading would cost far more
memory, time or stack than their size, if the readers did not bound it. Used by
test_spec_bombs.py (each must be refused with its problem, within bounded memory) and by
bench/spec_bombs.py (which records peak memory and time in docs/reliability.md).

Each bomb is a Bomb(name, classifier, main file, {path: content}, the problem it must get or None
when the spec is legitimately large and must simply be read in linear time)."""
import collections

Bomb = collections.namedtuple("Bomb", "name classifier main files problem")

RAML = "#%RAML 1.0\ntitle: Bomb\n"
OAS = "openapi: 3.0.3\ninfo: {title: Bomb, version: '1'}\npaths: {}\n"
WSDL_HEAD = '<definitions name="S" xmlns="http://schemas.xmlsoap.org/wsdl/">\n'

MEMORY = "reading the spec needs more than its"


def peak_rss_command(command):
    """`command` run under GNU time, which prints the peak resident memory (KiB) as the last line
    of stderr: the measure of the reading alone, whatever its parent's size."""
    return ["/usr/bin/time", "-f", "%M"] + command


def peak_rss_mib(stderr):
    return int(stderr.strip().splitlines()[-1]) / 1024


def billion_laughs(levels=9, width=10):
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def alias_nesting(depth=300, times=4):
    """Each anchor nests the previous one `depth` levels deeper: aliases deepen the tree."""
    lines = [f"a0: &a0 " + "[" * depth + "]" * depth]
    for i in range(1, times):
        lines.append(f"a{i}: &a{i} " + "[" * depth + f"*a{i - 1}" + "]" * depth)
    return "\n".join(lines) + "\n"


def include_fan_out(levels=8, width=10):
    """Each file includes the next `width` times: its tree, expanded, is width^levels nodes."""
    files = {"api.raml": RAML + "types:\n  T: !include f0.raml\n"}
    for level in range(levels):
        files[f"f{level}.raml"] = "properties:\n" + "".join(
            f"  p{i}: !include f{level + 1}.raml\n" for i in range(width))
    files[f"f{levels}.raml"] = "type: string\n"
    return files


def union_of_unions(levels=40):
    """Each union's two members are the union below: checked path by path, an example of none of
    them takes 2^levels checks."""
    return (RAML + "types:\n  T0: integer\n" +
            "".join(f"  T{i}: T{i - 1} | T{i - 1}\n" for i in range(1, levels)) +
            f"  X:\n    type: T{levels - 1}\n    example: abc\n")


def wide_type_extended(properties=3000, subtypes=3000):
    """Each subtype inherits (copies) the base's properties: properties * subtypes of them."""
    return (RAML + "types:\n  Base:\n    properties:\n" + "".join(f"      p{i}: string\n" for i in range(properties)) +
            "".join(f"  S{i}: {{type: Base, properties: {{q: string}}}}\n" for i in range(subtypes)))


def bombs(scale=1):
    """scale multiplies the size of the bombs whose cost grows with their size."""
    deep = 100_000 * scale
    flat = 1_000_000 * scale
    schemas = 20_000 * scale
    files = {"api.raml": RAML + "uses:\n  l: l0a.raml\n  r: l0b.raml\n"}
    for level in range(40):
        for side in "ab":
            uses = "" if level == 39 else f"uses:\n  l: l{level + 1}a.raml\n  r: l{level + 1}b.raml\n"
            files[f"l{level}{side}.raml"] = f"#%RAML 1.0 Library\ntraits:\n  t{level}: {{}}\n" + uses
    chain = OAS.replace("paths: {}\n", "paths: {}\ncomponents:\n  schemas:\n")
    chain += "".join(f"    S{i}: {{$ref: '#/components/schemas/S{i + 1}'}}\n" if i % 50 else
                     f"    S{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/S{i + 1}'}}}}}}\n"
                     for i in range(schemas))
    chain += f"    S{schemas}: {{type: string}}\n"
    return [
        Bomb("raml-billion-laughs", "raml", "api.raml", {"api.raml": RAML + billion_laughs()},
             "aliases expand to more than 10 times the document's own nodes"),
        Bomb("oas-billion-laughs", "oas", "api.yaml", {"api.yaml": OAS + "x-bomb:\n" + "".join(
            "  " + line + "\n" for line in billion_laughs().splitlines())},
             "aliases expand to more than 10 times the document's own nodes"),
        Bomb("yaml-alias-nesting", "raml", "api.raml", {"api.raml": RAML + alias_nesting()},
             "nesting deeper than 512 levels"),
        Bomb("json-deep-nesting", "oas", "api.json",
             {"api.json": '{"openapi": "3.0.3", "x": ' + "[" * deep + "]" * deep + "}"},
             "nesting deeper than 512 levels"),
        Bomb("yaml-node-flood", "oas", "api.yaml", {"api.yaml": OAS + "x-flood: [" + "0," * flat + "0]\n"}, MEMORY),
        Bomb("xml-entity-expansion", "wsdl", "s.wsdl", {"s.wsdl": '<?xml version="1.0"?>\n<!DOCTYPE d [\n'
             '<!ENTITY a "aaaaaaaaaa">\n' + "".join(
                 f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">\n' for i in range(8)) +
             ']>\n' + WSDL_HEAD + "&i;</definitions>\n"},
             "a DOCTYPE is not accepted"),
        Bomb("xml-deep-nesting", "wsdl", "s.wsdl",
             {"s.wsdl": WSDL_HEAD + "".join(f"<e{i}>" for i in range(deep)) +
              "".join(f"</e{i}>" for i in reversed(range(deep))) + "</definitions>\n"},
             "XML elements nest deeper than 512 levels"),
        # pugixml holds ~20 bytes per byte of this, under the share per byte: large, not a bomb
        Bomb("xml-element-flood", "wsdl", "s.wsdl", {"s.wsdl": WSDL_HEAD + "<a/>" * flat + "</definitions>\n"}, None),
        Bomb("many-files", "raml", "api.raml", dict({"api.raml": RAML + "types:\n" + "".join(
            f"  T{i}: !include t/{i}.raml\n" for i in range(5100))}, **{f"t/{i}.raml": "type: string\n" for i in range(5100)}),
             "the spec pulls in more than 5000 files"),
        Bomb("raml-include-fan-out", "raml", "api.raml", include_fan_out(), MEMORY),
        Bomb("raml-trait-everywhere", "raml", "api.raml", {"api.raml": RAML + "traits:\n  big:\n    description: x\n"
             "    queryParameters:\n" + "".join(f"      q{i}: {{type: string, description: parameter {i}}}\n"
                                               for i in range(2000)) +
             "".join(f"/r{i}:\n  get:\n    is: [big]\n" for i in range(2000 * scale))}, MEMORY),
        Bomb("raml-union-of-unions", "raml", "api.raml", {"api.raml": union_of_unions()},
             "the example does not conform to its type"),
        Bomb("raml-wide-type-extended", "raml", "api.raml", {"api.raml": wide_type_extended()}, MEMORY),
        Bomb("raml-long-parameter-everywhere", "raml", "api.raml", {"api.raml": RAML + "traits:\n  t:\n    description: " +
             "<<p>>" * 10000 + "\n/r:\n  get:\n    is: [t: {p: " + "x" * 20000 + "}]\n"}, MEMORY),
        Bomb("raml-text-included-everywhere", "raml", "api.raml", {
            "doc.md": "".join(f"{i:x} " for i in range(150000)),
            "api.raml": RAML + "".join(f"/r{i}:\n  description: !include doc.md\n" for i in range(200 * scale))}, MEMORY),
        Bomb("raml-library-diamond", "raml", "api.raml", files, None),
        Bomb("oas-reference-chains", "oas", "api.yaml", {"api.yaml": chain}, None),
    ]
