-- The test driver inside Ardour's GUI (tests/ardour/ardour_gui.py): an editor hook (a Lua
-- callback of Ardour's GUI, registered in `ui_scripts` before Ardour starts) on LuaTimerDS, which
-- Ardour calls on its GUI thread every 0.1 s. Each call runs the next command file the test wrote,
-- `DIR/cmd-N.lua` (N = 0, 1, …, in order), once, and writes its outcome to `DIR/out-N.txt`
-- (written to a temporary name, then renamed): "ok" or "error", a newline, then what the command
-- returned (or the error), as text. DIR is $WEBSTRIP_GUI_DRIVER.
--
-- This is the chunk Ardour restores from the saved hook: it gets the hook's arguments and returns
-- the callback.
local dir = os.getenv ("WEBSTRIP_GUI_DRIVER")
local n = 0
return function (signal, ref, ...)
	if not dir then return end
	local path = dir .. "/cmd-" .. n .. ".lua"
	local f = io.open (path, "r")
	if not f then return end
	local code = f:read ("*a")
	f:close ()
	local chunk, err = load (code, "cmd-" .. n)
	local ok, res
	if chunk then ok, res = pcall (chunk) else ok, res = false, err end
	local tmp = dir .. "/out-" .. n .. ".tmp"
	local o = io.open (tmp, "w")
	o:write ((ok and "ok\n" or "error\n") .. tostring (res))
	o:close ()
	os.rename (tmp, dir .. "/out-" .. n .. ".txt")
	n = n + 1
end
