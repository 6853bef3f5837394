# A driver that calls every public function of every pluginnan_core.views module that returns
# visuals or tiles, for one selection, so the trust checks cover pages as they are added.
"""Exercise every view.

Why by introspection: pages arrive while this harness is written (Behörighet, Jämför, Karta,
Delprojekt, Presentation ...). Listing functions by hand would silently miss the next one, so
the driver finds every public function in every module of pluginnan_core.views whose return
annotation mentions Visual or Tile, fills its parameters by name, and reports any function it
cannot call. A new view with an unusual parameter then fails the coverage test with a message
naming it, instead of going unchecked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from unittest import mock

import pandas as pd

from pluginnan_core import queries
from pluginnan_core.db import Database

RETURNS = ("Visual", "Tile")
#: Functions that need a renderer or are not figures about pupils; checked elsewhere or harmless.
#: presentation_visuals only re-assembles the other views (at twice their cost); its deck is audited
#: separately (tests/test_disclosure_property.py: the PPTX check).
SKIP: set[str] = {"presentation.presentation_visuals", "presentation.iter_presentation_visuals"}


@dataclass
class Choice:
    """What the page would pass besides the sidebar selection (a measure, a threshold, a kommun ...)."""

    measure: str = "behorig_yrk"
    grans: int | None = None
    kommun: str | None = None
    lasar: str | None = None
    lang: str = "sv"


@dataclass
class Output:
    """One view's result for one call: where it came from and what it returned."""

    name: str  # 'eligibility.ranking'
    visual: Any = None  # a Visual
    tiles: list[Any] = field(default_factory=list)
    frames: list[pd.DataFrame] = field(default_factory=list)  # protected frames behind tiles
    period_hint: str | None = None  # the läsår a view was asked for when its data has no period column
    inputs: list[Any] = field(default_factory=list)  # frames/rows the view was given (from the core)


@dataclass
class Run:
    outputs: list[Output] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # a view raised on a valid selection
    uncallable: list[str] = field(default_factory=list)  # a parameter the driver cannot fill


def view_modules() -> list[ModuleType]:
    import pluginnan_core.views as pkg

    out = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_"):
            out.append(importlib.import_module(f"{pkg.__name__}.{info.name}"))
    return out


def view_functions() -> list[tuple[ModuleType, str, Callable]]:
    """(module, name, function) for every public function returning visuals or tiles."""
    found = []
    for module in view_modules():
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            ret = str(inspect.signature(fn).return_annotation)
            if any(r in ret for r in RETURNS) and f"{module.__name__.rsplit('.', 1)[-1]}.{name}" not in SKIP:
                found.append((module, name, fn))
    return found


class NotApplicable(LookupError):
    """The selection gives the view nothing to show (e.g. no school to pick): not a driver gap."""


class _Resolver:
    """Fills a view's parameters by name, with per-module caches (contexts, base frames)."""

    def __init__(self, db: Database, sel: queries.Selection, choice: Choice, cache: dict) -> None:
        self.db, self.sel, self.choice, self.cache = db, sel, choice, cache
        self.local: dict[tuple[str, str], Any] = {}

    def _module_fn(self, module: ModuleType, returns: str) -> Callable | None:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                if str(inspect.signature(fn).return_annotation).strip("'\"") == returns:
                    return fn
        return None

    def base(self, module: ModuleType) -> Any:
        key = (module.__name__, "base", self.db.token)
        if key not in self.cache:
            fn = getattr(module, "base_frames", None)
            self.cache[key] = fn(self.db) if fn else None
        return self.cache[key]

    def context(self, module: ModuleType) -> Any:
        key = (module.__name__, "ctx")
        if key not in self.local:
            fn = self._module_fn(module, "Context")
            if fn is None:
                raise LookupError("Context")
            kwargs = {}
            if "base" in inspect.signature(fn).parameters:
                kwargs["base"] = self.base(module)
            self.local[key] = fn(self.db, self.sel, self.choice.lang, **kwargs)
        return self.local[key]

    def kommuner(self) -> list[str]:
        return queries.resolve_kommuner(self.db, self.sel)

    def kommun(self) -> str:
        if self.choice.kommun:
            return self.choice.kommun
        return (list(self.sel.kommuner) or self.kommuner() or ["1480"])[0]

    TODAY = dt.date(2026, 11, 22)

    def evaluation(self) -> tuple[Any, Any, Any]:
        """(inputs, results, pooled) of the sub-project evaluation, once per database."""
        from pluginnan_core import evaluate

        key = ("evaluate", self.db.token)
        if key not in self.cache:
            inputs = evaluate.load_inputs(self.db)
            results = evaluate.evaluate_all(inputs, today=self.TODAY)
            self.cache[key] = (inputs, results, evaluate.by_intervention(inputs, results))
        return self.cache[key]

    def project(self, module: ModuleType) -> tuple[str, Any]:
        """A sub-project of the selection with an estimate: (projekt_id, its result rows)."""
        _, results, _ = self.evaluation()
        frame = self.frame(module, "list")
        ids = [i for i in frame["projekt_id"] if i in set(results["projekt_id"])] if len(frame) else []
        for pid in ids or list(dict.fromkeys(results["projekt_id"]))[:1]:
            rows = module.project_rows(results, pid)
            if any(module.has_estimate(r) for _, r in rows.iterrows()):
                return pid, rows
        raise NotApplicable("projekt")

    def frame(self, module: ModuleType, fname: str) -> Any:
        if hasattr(module, "filter_register") and hasattr(module, "register"):  # views.subprojects
            key = (module.__name__, "frame", "register")
            if key not in self.local:
                self.local[key] = module.filter_register(module.register(self.db, self.TODAY),
                                                         module.filters_from_selection(self.sel))
            return self.local[key]
        for candidate in (f"{fname}_frame", f"{fname.rstrip('s')}_frame", f"{fname.split('_')[0]}_frame"):
            fn = getattr(module, candidate, None)
            if fn is not None:
                break
        else:
            raise LookupError("frame")
        key = (module.__name__, "frame", fn.__name__)
        if key not in self.local:
            self.local[key] = fn(self.context(module))
        return self.local[key]

    def value(self, module: ModuleType, fname: str, pname: str, param: inspect.Parameter) -> Any:
        c = self.choice
        ann = str(param.annotation)
        if pname in ("db", "database"):
            return self.db
        if pname in ("sel", "selection"):
            return self.sel
        if pname in ("lang", "language"):
            return c.lang
        if pname == "ctx" or ann.strip("'\"").endswith("Context"):
            return self.context(module)
        if pname == "base":
            return self.base(module)
        if pname == "measure":
            return c.measure
        if pname == "grans":
            return c.grans
        if pname == "kommun":
            return self.kommun()
        if pname in ("picks", "kommuner"):
            return list(self.sel.kommuner) or self.kommuner()[:4]
        if pname == "others":
            return [k for k in self.kommuner() if k != self.kommun()][:5]
        if pname == "lasar":
            return c.lasar
        if pname == "frame":
            return self.frame(module, fname)
        if pname == "skolenhetskod":
            frame = self.frame(module, fname)
            ids = list(frame["id"].dropna().unique()) if "id" in frame else []
            if not ids:
                raise NotApplicable("skolenhetskod")
            return ids[len(ids) // 2]
        if pname == "ov":
            return queries.overview(self.db, self.sel)
        if pname == "kinds" and hasattr(module, "interventions"):
            return module.interventions(self.db)
        if pname == "today":
            return self.TODAY
        if pname == "scope" and hasattr(module, "scope_name"):
            return module.scope_name(self.db, self.sel, c.lang)
        if pname == "filters" and hasattr(module, "filters_from_selection"):
            return module.filters_from_selection(self.sel)
        if pname in ("results", "pooled"):
            _, results, pooled = self.evaluation()
            return results if pname == "results" else pooled
        if pname == "rows":
            return self.project(module)[1]
        if pname == "title_name":
            return self.project(module)[0]
        if pname in ("result", "row"):
            from pluginnan_core import evaluate

            pid, rows = self.project(module)
            row = next(r for _, r in rows.iterrows() if module.has_estimate(r))
            return evaluate.evaluate_project(self.db, pid, today=self.TODAY) if pname == "result" else row
        if pname in ("schools", "visual"):
            raise LookupError(pname)
        raise LookupError(pname)


def _collect(result: Any, name: str, out: list[Output]) -> None:
    from pluginnan_core.views import Visual

    if result is None:
        return
    if isinstance(result, Visual):
        out.append(Output(name, visual=result))
    elif isinstance(result, (list, tuple)):
        tiles = [x for x in result if type(x).__name__ == "Tile"]
        if tiles:
            out.append(Output(name, tiles=tiles))
        for x in result:
            if isinstance(x, (Visual, list, tuple)):
                _collect(x, name, out)


def selection_frames(db: Database, sel: queries.Selection) -> list[Output]:
    """The protected selection series behind the tiles (one figure for several kommuner)."""
    kommuner = queries.resolve_kommuner(db, sel)
    years = queries.all_years(db)
    ov = queries.overview(db, sel)
    out = [Output("queries.overview", frames=[ov["eligibility"], ov["absence"]])]
    if len(sel.kommuner) > 1:
        out.append(Output("queries.selection_eligibility",
                          frames=[queries.selection_eligibility(db, list(sel.kommuner), years)]))
    out.append(Output("queries.selection_absence", frames=[queries.selection_absence(db, kommuner, years)]))
    out.append(Output("queries.absence_selection_month",
                      frames=[queries.absence_selection_month(db, kommuner, years)]))
    return out


def run_views(db: Database, sel: queries.Selection, choice: Choice, *, cache: dict | None = None,
              measures: Sequence[str] = ()) -> Run:
    """Call every view once for this selection; a measure a view refuses is retried with others."""
    run = Run()
    try:
        run.outputs.extend(selection_frames(db, sel))
    except Exception as exc:  # the queries must not raise on a valid selection either
        run.errors.append(f"queries (urval): {type(exc).__name__}: {exc}")
    resolver = _Resolver(db, sel, choice, cache if cache is not None else {})
    for module, name, fn in view_functions():
        label = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"
        params = inspect.signature(fn).parameters
        tried = [choice.measure, *[m for m in measures if m != choice.measure]]
        for attempt, measure in enumerate(tried):
            resolver.choice = Choice(measure, choice.grans, choice.kommun, choice.lasar, choice.lang)
            try:
                kwargs = {p: resolver.value(module, name, p, prm) for p, prm in params.items()
                          if prm.default is inspect.Parameter.empty and prm.kind not in (
                              prm.VAR_POSITIONAL, prm.VAR_KEYWORD)}
            except NotApplicable:
                break
            except LookupError as exc:
                run.uncallable.append(f"{label}({exc.args[0]})")
                break
            try:
                result = fn(**kwargs)
            except (KeyError, ValueError) as exc:
                if "measure" in params and attempt + 1 < len(tried) and _about_measure(exc, measure):
                    continue
                run.errors.append(f"{label}: {type(exc).__name__}: {exc}")
                break
            except Exception as exc:  # a view must not raise on a valid selection
                run.errors.append(f"{label}: {type(exc).__name__}: {exc}")
                break
            start = len(run.outputs)
            _collect(result, label, run.outputs)
            given = [v for v in kwargs.values() if isinstance(v, (pd.DataFrame, pd.Series))]
            given += [x for v in kwargs.values() if hasattr(v, "__dataclass_fields__")
                      for x in vars(v).values() if isinstance(x, pd.DataFrame)]  # a Context's frames
            for o in run.outputs[start:]:
                o.inputs = given
                if "lasar" in kwargs:
                    o.period_hint = kwargs["lasar"]
            break
    return run


@contextlib.contextmanager
def memoized_queries(memo: dict) -> Iterator[None]:
    """Cache pluginnan_core.queries results by arguments while views run (the database is read-only).

    Why: one selection makes the views ask for the same region and förbund series many times,
    and hundreds of selections ask for them again; the audit checks what views do with the
    protected frames, so serving each frame once per database (as a copy) changes nothing but
    the time. `memo` lives as long as the database file.
    """
    import copy

    patches = []
    for name, fn in inspect.getmembers(queries, inspect.isfunction):
        if name.startswith("_") or fn.__module__ != queries.__name__:
            continue
        params = list(inspect.signature(fn).parameters)
        if not params or params[0] != "db":
            continue

        def cached(*args, _fn=fn, _name=name, **kwargs):
            db = args[0] if args else kwargs.get("db")
            try:
                key = (_name, getattr(db, "token", id(db)), repr(args[1:]), repr(sorted(kwargs.items())))
            except Exception:
                return _fn(*args, **kwargs)
            if key not in memo:
                memo[key] = _fn(*args, **kwargs)
            return copy.deepcopy(memo[key])

        patches.append(mock.patch.object(queries, name, cached))
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        yield


def _about_measure(exc: Exception, measure: str) -> bool:
    text = str(exc)
    return measure in text or "measure" in text or "mått" in text


def frames_of(visual: Any) -> list[pd.DataFrame]:
    return [f for f in (getattr(visual, "data", None), getattr(visual, "table", None)) if isinstance(f, pd.DataFrame)]
