"""Runs kept in a database (SQLite by default, PostgreSQL with MNISTLAB_DATABASE_URL), and who owns them.

store = RunStore()                       # the URL from the environment, schema created or upgraded
token = new_token(); store.set_name(token, "Ada")
store.save_run(token, "Ada", NewRun(page="training", task="cnn", model="CNN", settings={...},
                                    metrics={"test_error_pct": 0.9}), weights=model)
store.runs_of(token); store.best_per_task(); store.task_results("cnn")
"""

from mnistlab.store.identity import BadName, NotAllowed, clean_name, is_teacher, new_token, owner_of
from mnistlab.store.runs import (
    TASKS,
    BoardEntry,
    NewRun,
    Run,
    RunStore,
    Saved,
    StoreUnavailable,
)
from mnistlab.store.schema import VERSION, SchemaTooNew

__all__ = [
    "TASKS",
    "VERSION",
    "BadName",
    "BoardEntry",
    "NewRun",
    "NotAllowed",
    "Run",
    "RunStore",
    "Saved",
    "SchemaTooNew",
    "StoreUnavailable",
    "clean_name",
    "is_teacher",
    "new_token",
    "owner_of",
]
