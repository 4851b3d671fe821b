"""Every table, imported together: a foreign key names its table by string, so whoever
opens the database must have loaded the tables it points at (books point at classes)."""

from magicshelf.books.models import Book, Page
from magicshelf.classes.models import CoTeacher, SchoolClass
from magicshelf.idempotency import IdempotentRequest, ServerSecret
from magicshelf.teachers.models import Link, Teacher, TeacherSession

__all__ = [
    "Book",
    "CoTeacher",
    "IdempotentRequest",
    "Link",
    "Page",
    "SchoolClass",
    "ServerSecret",
    "Teacher",
    "TeacherSession",
]
