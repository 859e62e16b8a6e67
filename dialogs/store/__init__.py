"""Storage through SQLAlchemy 2: models, engine, sessions, Alembic migrations."""

from dialogs.store._engine import Store, default_url, make_engine
from dialogs.store.models import Base, Conversation, UnansweredQuestion, User

__all__ = ["Base", "Conversation", "Store", "UnansweredQuestion", "User", "default_url", "make_engine"]
