"""Webstrip's editor in Ardour's GUI with Ardour's default for closed plugin windows
(`plugin-gui-behavior` PluginGUIHide): a closed window is hidden and its editor kept, so the one
helper lives on hidden and shows the same page again on reopening; removing the plugin ends it and
leaves nothing behind. (test_ardour_gui.py runs Ardour with closed editors destroyed.)
"""

from __future__ import annotations

import time

import ardour_gui as ag
import test_ardour_gui as t

SESSION = "gui-session-hide"


def test_closed_windows_keep_one_hidden_helper_until_the_plugin_is_removed(ardour):
    scan = ardour.scan()
    assert scan.returncode == 0, scan.stderr
    ag.seed_config(ardour, destroy_closed_editors=False)
    t.make_session(ardour, SESSION)
    gui = ag.Gui.start(ardour, ardour.root / SESSION / "webstrip.ardour", ardour.root / "gui-hide")
    try:
        gui.lua('Editor:access_action ("Common", "show-mixer") return true')
        window, helper = t.open_editor(gui)
        first = t.settled(gui, t.view_box(gui, helper))
        started = time.monotonic()
        for cycle in range(t.CYCLES):
            t.close_editor(gui)
            assert [h.pid for h in gui.helpers()] == [helper.pid], cycle
            window, again = t.open_editor(gui)
            assert again == helper, (cycle, again, helper)
            # The same page, as it was (nothing changed meanwhile).
            ag.wait_for(lambda: t.differing_pixels(first, gui.capture(t.view_box(gui, helper)))
                        <= t.SAME_PAGE_PIXELS, 10, f"the page shown again (cycle {cycle})")
        elapsed = time.monotonic() - started
        gui.lua("local route, proc = find_strip () "
                "assert (route:remove_processor (proc, nil, true) == 0) return true")
        ag.wait_for(lambda: not gui.helpers(), 20, "the helper to end with the plugin")
        ag.wait_for(lambda: not t.editor_processes(gui), 20,
                    f"the editor's processes to end (left: {t.editor_processes(gui)})")
        print(f"{t.CYCLES} hide/show cycles on one helper in {elapsed:.1f} s; "
              "removing the plugin ended it")
    finally:
        gui.stop()
        t.report_stderr(gui)

