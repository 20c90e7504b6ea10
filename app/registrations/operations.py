"""Self-registration (线上双报到) and the secretary's decision on it: the one write path for registrations.

A phone that already has an account, or a registration waiting, is refused with one message that names
nobody and does not say which of the two it was; the password is hashed before anything is looked up, so
the time tells no more than the answer. What an enumerator still learns (that a phone cannot register) the
per-address limit RATELIMIT_REGISTER keeps as slow as guessing at /login."""

import logging
from datetime import datetime
from typing import NoReturn

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.action_log.operations import record
from app.auth import scope
from app.auth.models import Account
from app.auth.operations import check_new_password
from app.auth.passwords import hash_password
from app.db import lock, transaction
from app.errors import NotFound, Refusal
from app.extensions import db
from app.members.importer import MOBILE
from app.members.models import Member
from app.org.models import Community, Grid, Unit
from app.outbox.operations import enqueue
from app.registrations.models import ADDRESS_MAX, NAME_MAX, REASON_MAX, Registration, RegistrationState
from app.text import person_text
from ledger import periods

log = logging.getLogger(__name__)

WAITING, CONFIRMED, REFUSED = (s.value for s in RegistrationState)


class PhoneUnavailable(Refusal):
    status = 409

    def __init__(self):
        super().__init__("phone_unavailable", "该手机号无法注册，如已有账号请直接登录或联系社区书记")


def _phone(value: str | None) -> str:
    phone = (value or "").strip()
    if not MOBILE.fullmatch(phone):
        raise Refusal("invalid_phone", "手机号应为11位手机号码")
    return phone


def _place(unit_id: int, community_id: int, grid_id: int | None) -> None:
    """The unit, the community and the grid exist, and the grid is one of that community's."""
    if db.session.get(Unit, unit_id) is None:
        raise NotFound("工作单位")
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound("居住社区")
    if grid_id is None:
        if db.session.scalar(select(Grid.id).where(Grid.community_id == community_id).limit(1)) is not None:
            raise Refusal("grid_required", "请选择所在网格")
        return
    grid = db.session.get(Grid, grid_id)
    if grid is None:
        raise NotFound("网格")
    if grid.community_id != community_id:
        raise Refusal("grid_not_in_community", f"所选网格不属于{community.name}，请在该社区的网格中选择")


def _phone_taken(phone: str) -> bool:
    account = db.session.scalar(select(Account.id).where(Account.phone == phone))
    waiting = db.session.scalar(
        select(Registration.id).where(Registration.phone == phone, Registration.state == WAITING)
    )
    return account is not None or waiting is not None


def _roster_member(phone: str) -> Member | None:
    """The imported member with this phone who has no account yet."""
    return db.session.scalars(
        select(Member)
        .outerjoin(Account, Account.member_id == Member.id)
        .where(Member.phone == phone, Account.id.is_(None))
    ).first()


def _account_for(member: Member, password_hash: str, now: datetime) -> Account:
    account = Account(
        phone=member.phone,
        name=member.name,
        password_hash=password_hash,
        role="member",
        member_id=member.id,
        created_at=now,
    )
    db.session.add(account)
    db.session.flush()
    return account


def register(
    *,
    name: str | None,
    phone: str | None,
    password: str | None,
    unit_id: int,
    community_id: int,
    grid_id: int | None,
    address: str | None,
    now: datetime,
) -> Registration:
    """线上双报到. A phone and name that match a roster member without an account: the account is made at
    once (state confirmed, `roster_match`); anything else waits for the community's secretary."""
    name = person_text(name, "姓名", NAME_MAX)
    phone = _phone(phone)
    password = password or ""
    check_new_password(password)
    address = person_text(address, "详细地址", ADDRESS_MAX)
    # Outside the transaction (SQLite's writer lock is held through one), and for every phone alike.
    password_hash = hash_password(password)
    try:
        with transaction():
            _place(unit_id, community_id, grid_id)
            if _phone_taken(phone):
                raise PhoneUnavailable()
            registration = Registration(
                name=name,
                phone=phone,
                unit_id=unit_id,
                community_id=community_id,
                grid_id=grid_id,
                address=address,
                created_at=now,
            )
            member = _roster_member(phone)
            # A member the county has marked inactive (moved away, left) is not vouched for by the roster.
            if member is not None and member.name == name and member.active:
                member = lock(Member, member.id)
                # The roster is the county's record of where a member lives; the form fills only its gaps.
                member.grid_id = member.grid_id or (grid_id if member.community_id == community_id else None)
                member.address = member.address or address
                member.reported_on = member.reported_on or periods.local(now).date()
                account = _account_for(member, password_hash, now)
                registration.state, registration.roster_match = CONFIRMED, True
                registration.decided_at, registration.account_id = now, account.id
            else:
                registration.password_hash = password_hash
            db.session.add(registration)
    except IntegrityError:
        # Another registration or account for this phone was written between the check and this one.
        raise PhoneUnavailable() from None
    log.info("registration %s made (%s)", registration.id, registration.state)
    return registration


def _decidable(actor, registration_id: int) -> Registration:
    registration = lock(Registration, registration_id)
    if registration is None:
        raise NotFound("注册申请")
    scope.require(
        scope.manages_community(actor, registration.community_id),
        "只有申请人所填社区的书记或管理员可以审核该注册",
        code="not_allowed",
    )
    return registration


def _decided(registration: Registration, state: str) -> NoReturn:
    words = {CONFIRMED: "已确认", REFUSED: "已退回"}[registration.state]
    raise Refusal(
        "registration_decided", f"该注册申请{words}，不能再改为{'确认' if state == CONFIRMED else '退回'}", status=409
    )


def _member_for(actor, registration: Registration, now: datetime) -> Member:
    """The member the account is for: the roster's (matched on phone, updated from the registration) or a new one."""
    member = db.session.scalars(select(Member).where(Member.phone == registration.phone)).first()
    details = {
        "name": registration.name,
        "unit_id": registration.unit_id,
        "community_id": registration.community_id,
        "grid_id": registration.grid_id,
        "address": registration.address,
    }
    if member is None:
        member = Member(phone=registration.phone, reported_on=periods.local(now).date(), created_at=now, **details)
        db.session.add(member)
        db.session.flush()
        return member
    member = lock(Member, member.id)
    # Moving a member out of another community is that community's (or the county's) call, not this one's.
    scope.require(
        scope.manages_community(actor, member.community_id),
        "该手机号在其他社区的党员名单中，请联系组织部处理",
        code="roster_elsewhere",
    )
    for key, value in details.items():
        setattr(member, key, value)
    member.active = True  # the secretary has just vouched for them where they live now
    member.reported_on = member.reported_on or periods.local(now).date()
    return member


def _tell(registration: Registration, text: str, now: datetime) -> None:
    # The registrant has no account to read an inbox with yet: the decision reaches them by SMS, once.
    enqueue(text=text, phone=registration.phone, now=now, dedupe=f"registration:{registration.id}:{registration.state}")


def confirm(actor, registration_id: int, now: datetime) -> Registration:
    """确认: the account is made (with the member row, new or the roster's) and may log in at once.
    Confirming a confirmed registration changes nothing: two secretaries at once make one account."""
    with transaction():
        registration = _decidable(actor, registration_id)
        if registration.state == CONFIRMED:
            return registration
        if registration.state != WAITING:
            _decided(registration, CONFIRMED)
        taken = db.session.scalar(
            select(Account.id)
            .outerjoin(Member, Member.id == Account.member_id)
            .where(or_(Account.phone == registration.phone, Member.phone == registration.phone))
        )
        if taken is not None:
            raise Refusal("phone_unavailable", "该手机号已有账号，无法确认；请退回此申请并请本人直接登录", status=409)
        assert registration.password_hash is not None  # kept while it waits
        member = _member_for(actor, registration, now)
        account = _account_for(member, registration.password_hash, now)
        registration.state, registration.decided_by, registration.decided_at = CONFIRMED, actor.id, now
        registration.account_id, registration.password_hash = account.id, None
        record(actor, "registration.confirm", f"注册#{registration.id} {registration.name}", member_id=member.id)
        _tell(registration, "您的在职党员报到注册已由社区书记确认，现在可以用手机号和注册时的密码登录。", now)
    log.info("registration %s confirmed by account %s", registration_id, actor.id)
    return registration


def refuse(actor, registration_id: int, reason: str | None, now: datetime) -> Registration:
    """退回, with a reason the member is told; the phone may register again. Refusing again changes nothing."""
    reason = person_text(reason, "退回的原因", REASON_MAX)
    with transaction():
        registration = _decidable(actor, registration_id)
        if registration.state == REFUSED:
            return registration
        if registration.state != WAITING:
            _decided(registration, REFUSED)
        registration.state, registration.decided_by, registration.decided_at = REFUSED, actor.id, now
        registration.reason, registration.password_hash = reason, None
        record(actor, "registration.refuse", f"注册#{registration.id} {registration.name}", reason=reason)
        _tell(registration, f"您的在职党员报到注册被社区书记退回，原因：{reason}。可按原因修改后重新注册。", now)
    log.info("registration %s refused by account %s", registration_id, actor.id)
    return registration
