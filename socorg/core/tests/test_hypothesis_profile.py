"""The suite's Hypothesis profile (conftest.py): no per-example deadline, so a loaded machine cannot fail a test."""

from hypothesis import settings

from socorg.registry.tests import test_uscc


def test_the_suite_profile_has_no_deadline():
    assert settings.default.deadline is None


def test_property_tests_with_their_own_settings_inherit_no_deadline():
    # test_uscc's properties set max_examples only; before the profile they kept Hypothesis' 200 ms deadline.
    properties = [getattr(test_uscc, name) for name in dir(test_uscc) if name.startswith("test_")]
    own = [test._hypothesis_internal_use_settings for test in properties
           if hasattr(test, "_hypothesis_internal_use_settings")]
    assert own and all(chosen.deadline is None for chosen in own)
