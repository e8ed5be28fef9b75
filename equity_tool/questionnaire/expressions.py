"""The safe expression language of `show_if`, `required`, `validate`, formulas and flags.

Why a grammar and not Python's `ast`: a Lark LALR grammar accepts exactly the documented
language and nothing else, so there is no allow-list to get wrong. Attribute access,
subscripts, lambdas, comprehensions and other calls have no rule to parse into; the parse
tree is compiled once into small closures, and evaluation never calls `eval`. There is no
power operator and number literals are short, so no expression can compute a huge value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput

from . import values as v

MAX_LENGTH = 2000
MAX_NESTING = 40

_GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr ("or" and_expr)*
?and_expr: not_expr ("and" not_expr)*
?not_expr: "not" not_expr -> not_
         | comparison
?comparison: sum (COMP_OP sum)?
           | sum NOT_IN sum -> not_in
           | sum "in" sum -> in_
?sum: product (ADD_OP product)*
?product: unary (MUL_OP unary)*
?unary: ADD_OP unary -> sign
      | atom
?atom: NUMBER -> number
     | STRING -> string
     | "true" -> true
     | "false" -> false
     | "null" -> null
     | "today" -> today
     | NAME "(" [or_expr ("," or_expr)*] ")" -> call
     | NAME -> name
     | "[" [or_expr ("," or_expr)*] "]" -> list
     | "(" or_expr ")"
COMP_OP: "==" | "!=" | "<=" | ">=" | "<" | ">" | "="
NOT_IN.2: /not\s+in\b/
ADD_OP: "+" | "-"
MUL_OP: "*" | "/"
NUMBER: /[0-9]+(\.[0-9]+)?/
STRING: /'[^'\n]{0,1000}'/ | /"[^"\n]{0,1000}"/
NAME: /[A-Za-z_][A-Za-z0-9_]*/
%ignore /[ \t\r\n]+/
"""

_PARSER = Lark(_GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null", "today"}

# Each function: (smallest and largest number of arguments, argument that must be a question).
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "answered": (1, 1),
    "count": (1, 1),
    "points": (1, 1),
    "column": (2, 2),
    "len": (1, 1),
    "sum": (1, 1),
    "min": (1, None),
    "max": (1, None),
    "round": (1, 2),
    "choose": (3, 3),
}
POINTS_TYPES = {"single_choice", "multi_choice", "yes_no", "scale"}

Evaluator = Callable[["Env"], Any]


class ExpressionError(Exception):
    """A load-time problem, with its (line, column) inside the expression text, 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass
class Env:
    """What an expression can see: answer values by question id, scores, and today's date."""

    values: dict[str, Any]
    today: Any
    points: Callable[[str, Any], Any]  # (question id, value) -> points
    column: Callable[[str, str, Any], list]  # (table id, column id, value) -> cell values


@dataclass(frozen=True)
class Scope:
    """The names an expression may use, and why others are refused."""

    questions: dict[str, Any]  # question id -> Question, every answerable question in the file
    allowed: frozenset[str]  # ids usable here (earlier questions, earlier scores, ...)
    scores: frozenset[str] = frozenset()
    info: frozenset[str] = frozenset()
    context: str = "this expression"  # for messages: "show_if", "a formula", ...


@dataclass(frozen=True)
class Expression:
    source: str
    names: frozenset[str]  # every question and score id it names
    run: Evaluator = field(repr=False, compare=False)
    # The ids whose value it reads: `names` less those named only inside `answered(...)`,
    # which asks whether a question is answered, not what the answer is.
    reads: frozenset[str] | None = None

    @property
    def values_read(self) -> frozenset[str]:
        return self.names if self.reads is None else self.reads

    def __call__(self, env: Env) -> Any:
        return self.run(env)


def compile_expression(source: str, scope: Scope) -> Expression:
    """Parse and check `source` against `scope`; raises ExpressionError naming what to fix."""
    if not isinstance(source, str):
        raise ExpressionError("an expression must be text")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    _check_nesting(source)
    tree = _parse(source)
    names: set[str] = set()
    compiler = _Compiler(scope, names)
    run = compiler.compile(tree)
    return Expression(source, frozenset(names), run, frozenset(compiler.reads))


_OPENERS, _CLOSERS = frozenset({"LPAR", "LSQB"}), frozenset({"RPAR", "RSQB"})
_OPERANDS = frozenset({"NAME", "NUMBER", "STRING", "TRUE", "FALSE", "NULL", "TODAY"})


def _check_nesting(source: str) -> None:
    """Refuse what nests deeper than MAX_NESTING: brackets, and every unary `not`, `-` and `+`
    counts as a level too, so no formula can exhaust the stack while it is compiled or run."""
    # Every level needs a bracket or an operator: with few of them, no need to read the tokens.
    levels = sum(source.count(char) for char in "([+-") + source.count("not")
    if levels <= MAX_NESTING:
        return
    try:
        tokens = list(_PARSER.lex(source))
    except LarkError:
        return  # the parser reports the character it cannot read, with its position
    _check_token_nesting(tokens)


def _check_token_nesting(tokens: list[Token]) -> None:
    pending = [0]  # per open bracket: unary operators still waiting for their operand
    operand_next = True
    for token in tokens:
        kind = token.type
        if kind in _OPENERS:
            pending.append(0)
        elif kind in _CLOSERS:
            if len(pending) > 1:
                pending.pop()
            pending[-1] = 0
        elif kind in _OPERANDS:
            pending[-1] = 0
        elif kind == "NOT" or (kind == "ADD_OP" and operand_next):
            pending[-1] += 1
        operand_next = kind not in _OPERANDS and kind not in _CLOSERS
        if len(pending) - 1 > MAX_NESTING:
            raise ExpressionError(f"brackets nested deeper than {MAX_NESTING}", token.line or 1,
                                  token.column or 1)
        if len(pending) - 1 + sum(pending) > MAX_NESTING:
            raise ExpressionError(f"the expression is too deeply nested: more than {MAX_NESTING} "
                                  "brackets and unary operators (not, -, +) inside each other",
                                  token.line or 1, token.column or 1)


def _line_column(source: str, index: int) -> tuple[int, int]:
    line = source.count("\n", 0, index) + 1
    return line, index - (source.rfind("\n", 0, index) + 1) + 1


def _parse(source: str) -> Tree:
    try:
        return _PARSER.parse(source)
    except UnexpectedCharacters as exc:
        raise ExpressionError(_unexpected_character(source, exc), exc.line, exc.column) from None
    except UnexpectedInput as exc:
        line, column = getattr(exc, "line", 1), getattr(exc, "column", 1)
        token = getattr(exc, "token", None)
        if token is None or token.type == "$END":
            raise ExpressionError("the expression ends too early", line, column) from None
        raise ExpressionError(f"unexpected '{token}' here", line, column) from None
    except (LarkError, RecursionError):
        raise ExpressionError("this is not a valid expression") from None


def _unexpected_character(source: str, exc: UnexpectedCharacters) -> str:
    char = source[exc.pos_in_stream] if exc.pos_in_stream < len(source) else ""
    hints = {
        ".": "'.' (attribute access) is not allowed",
        "&": "write 'and' instead of '&'",
        "|": "write 'or' instead of '|'",
        "!": "write 'not' or '!=' instead of '!'",
        "'": "a text is not closed: end it with '",
        '"': 'a text is not closed: end it with "',
        "%": "'%' is not an operator here",
        "{": "'{' is not allowed; lists are written [a, b]",
    }
    return hints.get(char, f"the character '{char}' is not allowed here")


_COMPARE = {
    "==": v.equal,
    "=": v.equal,
    "!=": lambda a, b: not v.equal(a, b),
    "<": lambda a, b: v.order(a, b, lambda x, y: x < y),
    "<=": lambda a, b: v.order(a, b, lambda x, y: x <= y),
    ">": lambda a, b: v.order(a, b, lambda x, y: x > y),
    ">=": lambda a, b: v.order(a, b, lambda x, y: x >= y),
}
_ARITHMETIC = {"+": v.add, "-": v.subtract, "*": v.multiply, "/": v.divide}


class _Compiler:
    def __init__(self, scope: Scope, names: set[str]):
        self.scope, self.names = scope, names
        self.reads: set[str] = set()  # names read for their value (not inside answered())
        self._inside_answered = 0

    def compile(self, node) -> Evaluator:
        method = getattr(self, f"_{node.data}", None)
        if method is None:  # pragma: no cover - the grammar has no other rules
            raise ExpressionError(f"unsupported construct {node.data}")
        return method(node)

    # literals
    def _number(self, node):
        token = node.children[0]
        text = str(token)
        if any(len(part) > 15 for part in text.split(".")):
            raise ExpressionError(
                "a number may have at most 15 digits before and after the point",
                token.line,
                token.column,
            )
        value = float(text) if "." in text else int(text)
        return lambda env: value

    def _string(self, node):
        value = str(node.children[0])[1:-1]
        return lambda env: value

    def _true(self, node):
        return lambda env: True

    def _false(self, node):
        return lambda env: False

    def _null(self, node):
        return lambda env: None

    def _today(self, node):
        return lambda env: env.today

    def _list(self, node):
        items = [self.compile(child) for child in node.children if child is not None]
        return lambda env: [item(env) for item in items]

    # names and calls
    def _name(self, node):
        token = node.children[0]
        name = str(token)
        self._check_name(name, token)
        self.names.add(name)
        if not self._inside_answered:
            self.reads.add(name)
        return lambda env: env.values.get(name)

    def _check_name(self, name: str, token: Token) -> None:
        scope = self.scope
        if name in scope.allowed:
            return
        where = (token.line, token.column)
        if name in scope.info:
            raise ExpressionError(f"'{name}' is an info question and has no answer", *where)
        if name in scope.scores:
            raise ExpressionError(
                f"{scope.context} may only use scores defined before it; '{name}' is not", *where
            )
        if name in scope.questions:
            raise ExpressionError(
                f"{scope.context} may only use questions that come earlier in the file; "
                f"'{name}' comes later",
                *where,
            )
        if name in FUNCTIONS:
            raise ExpressionError(f"'{name}' is a function: write {name}(...)", *where)
        known = [*scope.allowed, *_KEYWORDS]
        from .problems import did_you_mean

        raise ExpressionError(f"unknown name '{name}'{did_you_mean(name, known)}", *where)

    def _call(self, node):
        token, *arg_nodes = node.children
        arg_nodes = [a for a in arg_nodes if a is not None]
        name = str(token)
        self._check_call(name, token, arg_nodes)
        inside = name == "answered"
        self._inside_answered += inside
        args = [self.compile(a) for a in arg_nodes]
        self._inside_answered -= inside
        return getattr(self, f"_fn_{name}")(args, arg_nodes)

    def _check_call(self, name: str, token: Token, args: list) -> None:
        where = (token.line, token.column)
        if name not in FUNCTIONS:
            from .problems import did_you_mean

            raise ExpressionError(
                f"unknown function '{name}'{did_you_mean(name, FUNCTIONS)}; the functions are "
                + ", ".join(FUNCTIONS),
                *where,
            )
        low, high = FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            wanted = str(low) if low == high else f"{low} to {high}" if high else f"{low} or more"
            raise ExpressionError(f"{name}() takes {wanted} argument(s), not {len(args)}", *where)

    def _question_argument(self, name: str, node, types: set[str], what: str):
        if getattr(node, "data", None) != "name":
            raise ExpressionError(f"{name}() takes a question id, {what}", *_start(node))
        question_id = str(node.children[0])
        question = self.scope.questions.get(question_id)
        if question is not None and question.type not in types:
            raise ExpressionError(
                f"{name}() takes {what}; '{question_id}' is a {question.type} question",
                *_start(node),
            )
        return question_id

    def _fn_answered(self, args, nodes):
        (arg,) = args
        return lambda env: arg(env) is not None

    def _fn_count(self, args, nodes):
        (arg,) = args
        return lambda env: v.count(arg(env))

    def _fn_points(self, args, nodes):
        what = "a choice, yes/no or scale question"
        question_id = self._question_argument("points", nodes[0], POINTS_TYPES, what)
        (arg,) = args
        return lambda env: env.points(question_id, arg(env))

    def _fn_column(self, args, nodes):
        table_id = self._question_argument("column", nodes[0], {"table"}, "a table question")
        column_node = nodes[1]
        if getattr(column_node, "data", None) != "string":
            raise ExpressionError(
                "column()'s second argument is a column id in quotes", *_start(column_node)
            )
        column_id = str(column_node.children[0])[1:-1]
        table = self.scope.questions.get(table_id)
        column_ids = [c.id for c in table.columns] + (["row"] if table.rows_from else [])
        if column_id not in column_ids:
            from .problems import did_you_mean

            raise ExpressionError(
                f"the table '{table_id}' has no column '{column_id}'"
                + did_you_mean(column_id, column_ids),
                *_start(column_node),
            )
        table_value = args[0]
        return lambda env: env.column(table_id, column_id, table_value(env))

    def _fn_len(self, args, nodes):
        (arg,) = args
        return lambda env: v.length(arg(env))

    def _fn_sum(self, args, nodes):
        (arg,) = args
        return lambda env: v.total(arg(env))

    def _fn_min(self, args, nodes):
        return lambda env: v.extreme(min, [a(env) for a in args])

    def _fn_max(self, args, nodes):
        return lambda env: v.extreme(max, [a(env) for a in args])

    def _fn_round(self, args, nodes):
        number, *digits = args
        places = digits[0] if digits else (lambda env: 0)
        return lambda env: v.round_half_up(number(env), places(env))

    def _fn_choose(self, args, nodes):
        condition, when_true, when_false = args
        return lambda env: when_true(env) if v.truth(condition(env)) is True else when_false(env)

    # operators
    def _or_expr(self, node):
        parts = [self.compile(c) for c in node.children]
        return lambda env: v.any_of(part(env) for part in parts)

    def _and_expr(self, node):
        parts = [self.compile(c) for c in node.children]
        return lambda env: v.all_of(part(env) for part in parts)

    def _not_(self, node):
        (operand,) = [self.compile(c) for c in node.children]
        return lambda env: v.negate(v.truth(operand(env)))

    def _comparison(self, node):
        left, op, right = node.children
        left, right, fn = self.compile(left), self.compile(right), _COMPARE[str(op)]
        return lambda env: fn(left(env), right(env))

    def _in_(self, node):
        left, right = (self.compile(c) for c in node.children)
        return lambda env: v.contains(right(env), left(env))

    def _not_in(self, node):
        left, _, right = node.children
        left, right = self.compile(left), self.compile(right)
        return lambda env: not v.contains(right(env), left(env))

    def _chain(self, node):
        first = self.compile(node.children[0])
        rest = [
            (_ARITHMETIC[str(op)], self.compile(operand))
            for op, operand in zip(node.children[1::2], node.children[2::2], strict=True)
        ]

        def run(env):
            result = first(env)
            for fn, operand in rest:
                result = fn(result, operand(env))
            return result

        return run

    _sum = _chain
    _product = _chain

    def _sign(self, node):
        op, operand = node.children
        operand = self.compile(operand)
        if str(op) == "-":
            return lambda env: v.multiply(-1, operand(env))
        return lambda env: v.multiply(1, operand(env))


def _start(node) -> tuple[int, int]:
    if isinstance(node, Token):
        return node.line or 1, node.column or 1
    meta = getattr(node, "meta", None)
    if meta is not None and not meta.empty:
        return meta.line, meta.column
    return 1, 1
