"""Parser and resolver: the IR they produce for each construct."""
from checker import ir
from checker.lang import load_text, parse_text

SPEC = """
/// A small spec.
/// Two lines of doc.
spec demo

/// How many tries.
const K: 1..5 = 2
const N: int where N >= 1
enum Phase { Closed, Open }
type C = 1..K

var phase: Phase = Closed
var m: map<C, set<C>> = [c in C -> {}]
var q: seq<0..3, 2> = []
var x: 0..3 in {0, 2}

/// Add one.
action step(c: C) {
  require phase == Closed
  m[c].add(c)
  q.push(x)
  for d in C { m[d] = m[d] union {c} }
}

invariant small: forall c in C: size(m[c]) <= K
"""


def test_docs_attach_to_the_next_declaration():
    spec = load_text(SPEC)
    assert spec.doc == "A small spec.\nTwo lines of doc."
    assert spec.consts[0].doc == "How many tries."
    assert spec.actions[0].doc == "Add one."
    assert spec.invariants[0].doc == ""


def test_constants_bound_or_left_symbolic():
    spec = load_text(SPEC, consts={"K": 3})
    k, n = spec.consts
    assert (k.value, n.value) == (3, None)
    assert [c.name for c in spec.symbolic_consts] == ["N"]
    assert ir.show_expr(n.where) == "N >= 1"
    assert spec.var("m").type == ir.MapT(ir.IntT(ir.Lit(1, ir.INT), ir.Lit(3, ir.INT)),
                                         ir.SetT(ir.IntT(ir.Lit(1, ir.INT), ir.Lit(3, ir.INT))))


def test_initial_choice_is_a_set():
    x = load_text(SPEC).var("x")
    assert x.init_choice and ir.show_expr(x.init) == "{0, 2}"


def test_nested_update_becomes_one_whole_variable_assignment():
    body = load_text(SPEC).actions[0].body
    assert isinstance(body[1], ir.Assign) and body[1].var == "m"
    assert ir.show_expr(body[1].value) == "update(m, c, m[c] union {c})"
    assert ir.show_expr(body[2].value) == "push(q, x)"


def test_for_loop_is_unrolled_into_lets():
    body = load_text(SPEC).actions[0].body  # K = 2: two copies
    lets = [s for s in body if isinstance(s, ir.Let)]
    assert [(s.name, s.value.value) for s in lets] == [("d", 1), ("d", 2)]
    assert len(body) == 3 + 2 * 2


def test_set_literal_with_a_non_literal_element_goes_through_set_add():
    body = load_text(SPEC).actions[0].body
    update = body[4].value  # m = update(m, d, m[d] union {c})
    assert ir.show_expr(update) == "update(m, d, m[d] union ({} union {c}))"


def test_not_in_and_ranges_in_expressions():
    spec = load_text("spec t\nvar x: 0..9 = 0\ninvariant a: x not in {1, 2}\ninvariant b: x in 0..5\n")
    assert ir.show_expr(spec.invariants[0].expr) == "not x in {1, 2}"
    assert ir.show_expr(spec.invariants[1].expr) == "0 <= x and x <= 5"


def test_quantifier_over_a_set_is_guarded_by_membership():
    spec = load_text("spec t\nvar s: set<1..3> = {}\ninvariant a: exists y in s: y > 1\n")
    e = spec.invariants[0].expr
    assert isinstance(e, ir.Quant) and ir.show_expr(e) == "exists y in 1..3: y in s and y > 1"


def test_ast_equality_ignores_layout():
    a = parse_text("spec t\nvar x: 0..3 = 0\naction f { x = x + 1 }\n")
    b = parse_text("spec t\n\n\nvar x:0..3=0 action f{x=x+1}")
    assert a == b
    assert a.decls[0].span.line != b.decls[0].span.line


def test_deep_expressions_do_not_hit_the_recursion_limit():
    n = 5000
    sum_ = " + ".join(["x"] * n)
    nested = "(" * n + "x" + ")" * n
    spec = load_text(f"spec t\nvar x: 0..1 = 0\ninvariant a: {sum_} >= 0\ninvariant b: {nested} == 0\n")
    e = spec.invariants[0].expr.left
    depth = 0
    while isinstance(e, ir.Binary):
        e, depth = e.left, depth + 1
    assert depth == n - 1
    assert ir.show_expr(spec.invariants[1].expr) == "x == 0"
    assert ir.show_expr(spec.invariants[0].expr).count("x") == n


def test_statements_separated_by_newlines_or_semicolons():
    a = load_text("spec t\nvar x: 0..3 = 0\nvar y: 0..3 = 0\naction f {\n x = 1\n y = 2\n}\n")
    b = load_text("spec t\nvar x: 0..3 = 0\nvar y: 0..3 = 0\naction f { x = 1; y = 2 }\n")
    assert a.actions == b.actions


def test_generalize_leaves_where_constants_symbolic():
    text = "spec t\nconst T: int where T >= 1 = 3\nconst K: 1..4 = 2\nvar x: 0..T = 0\n"
    plain = load_text(text)
    assert [(c.name, c.value) for c in plain.consts] == [("T", 3), ("K", 2)]
    general = load_text(text, generalize=True)
    assert [(c.name, c.value) for c in general.consts] == [("T", None), ("K", 2)]
    assert ir.show_expr(general.consts[0].where) == "T >= 1"
    assert not general.var("x").type.concrete
    assert load_text(text, consts={"T": 5}, generalize=True).consts[0].value == 5


def test_bool_as_a_domain():
    spec = load_text("spec t\nvar m: map<bool, 0..1> = [b in bool -> if b then 1 else 0]\n"
                     "invariant i: forall b in bool: m[b] <= 1\n")
    assert ir.show_expr(spec.var("m").init) == "[b in bool -> if b then 1 else 0]"
    assert ir.show_expr(spec.invariants[0].expr) == "forall b in bool: m[b] <= 1"
