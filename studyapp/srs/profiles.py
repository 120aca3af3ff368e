"""Choosing a profile by name, for the command line and the app."""

from __future__ import annotations

from studyapp.store import Profile, Store

DEFAULT_PROFILE = "default"


class ProfileChoiceError(LookupError):
    """No profile, an unknown name, or several profiles and no name given."""


def ensure_default_profile(store: Store) -> list[Profile]:
    """A fresh database gets one profile without a PIN, so one learner can start at once."""
    profiles = store.profiles()
    if profiles:
        return profiles
    try:
        store.create_profile(DEFAULT_PROFILE)
    except ValueError:  # another process created it a moment ago
        pass
    return store.profiles()


def resolve_profile(store: Store, name: str | None) -> Profile:
    """The profile called `name`; without a name, the only profile or the one called 'default'."""
    profiles = store.profiles()
    if name:
        found = store.profile_by_name(name)
        if found is None:
            known = ", ".join(p.name for p in profiles) or "none yet"
            raise ProfileChoiceError(f"no profile named {name!r} (profiles: {known})")
        return found
    if not profiles:
        raise ProfileChoiceError("no profiles yet; create one with `studyapp profile create NAME`")
    if len(profiles) == 1:
        return profiles[0]
    default = next((p for p in profiles if p.name.casefold() == DEFAULT_PROFILE), None)
    if default is not None:
        return default
    raise ProfileChoiceError(f"several profiles ({', '.join(p.name for p in profiles)}); choose one with --profile")
