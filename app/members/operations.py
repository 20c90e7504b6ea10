"""The members' one write path: the roster import's upsert of members and the accounts it creates."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from app.auth.models import Account
from app.auth.passwords import hash_password
from app.db import transaction
from app.extensions import db
from app.members import importer
from app.members.models import Member


@dataclass
class Summary:
    """What an import did, as the command prints it."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts: int = 0

    def __str__(self) -> str:
        text = f"新增 {self.added} 人，更新 {self.updated} 人，未变 {self.unchanged} 人"
        return text + (f"；新建党员账号 {self.accounts} 个" if self.accounts else "")


def import_members(path: Path, initial_password: str | None, now: datetime) -> Summary:
    """Add or update members matched on phone, all in one transaction; new members get an account if asked."""
    summary = Summary()
    with transaction():
        records = importer.read(path)
        existing = {
            m.phone: m
            for m in db.session.scalars(select(Member).where(Member.phone.in_([r["phone"] for r in records])))
        }
        added = []
        for record in records:
            member = existing.get(record["phone"])
            if member is None:
                member = Member(**record, created_at=now)
                db.session.add(member)
                added.append(member)
                summary.added += 1
            elif any(getattr(member, k) != v for k, v in record.items()):
                for key, value in record.items():
                    setattr(member, key, value)
                summary.updated += 1
            else:
                summary.unchanged += 1
        if initial_password and added:
            db.session.flush()
            taken = set(db.session.scalars(select(Account.phone).where(Account.phone.in_([m.phone for m in added]))))
            password_hash = hash_password(initial_password)  # once: Argon2 per row would take minutes
            for member in added:
                if member.phone not in taken:
                    db.session.add(
                        Account(
                            phone=member.phone,
                            name=member.name,
                            password_hash=password_hash,
                            role="member",
                            member_id=member.id,
                            # The initial password is shared by the whole file: each member sets their own.
                            must_change_password=True,
                            created_at=now,
                        )
                    )
                    summary.accounts += 1
    return summary
