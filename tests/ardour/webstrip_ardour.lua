-- The Lua half of the Ardour tests (tests/ardour): helpers prepended to each test's script body
-- by ardour_host.py, which runs the result in headless Ardour (`ardour7-lua`). Results go to the
-- file named by WEBSTRIP_RESULT, one JSON object a line: {"key": …, "value": …}.

local out = assert (io.open (os.getenv ("WEBSTRIP_RESULT"), "w"))

local function encode (v)
	local t = type (v)
	if t == "nil" then return "null" end
	if t == "boolean" then return tostring (v) end
	if t == "number" then
		if v ~= v or v == math.huge or v == -math.huge then return "null" end
		return string.format ("%.17g", v)
	end
	if t == "string" then return string.format ("%q", v):gsub ("\\\n", "\\n") end
	if t == "table" then
		local parts = {}
		if #v > 0 or next (v) == nil then
			for _, x in ipairs (v) do parts[#parts + 1] = encode (x) end
			return "[" .. table.concat (parts, ",") .. "]"
		end
		for k, x in pairs (v) do parts[#parts + 1] = encode (tostring (k)) .. ":" .. encode (x) end
		return "{" .. table.concat (parts, ",") .. "}"
	end
	return encode (tostring (v))
end

function emit (key, value)
	out:write (encode ({ key = key, value = value }), "\n")
	out:flush ()
end

function start_engine ()
	assert (AudioEngine:set_backend ("None (Dummy)", "", ""), "no dummy backend")
	assert (AudioEngine:current_backend_name () == "Dummy")
end

-- A track: the test signal generator (a Lua DSP processor), then Webstrip (VST3); with
-- `silent`, Webstrip alone (the GUI tests: a still page). Returns the track, Webstrip and the
-- generator.
function add_strip (silent)
	local tracks = Session:new_audio_track (2, 2, nil, 1, "Strip", ARDOUR.PresentationInfo.max_order,
		ARDOUR.TrackMode.Normal, true)
	local track = tracks:front ()
	local index, gen = 0, nil
	if not silent then
		gen = ARDOUR.LuaAPI.new_luaproc (Session, "Webstrip Test Signal")
		assert (not gen:isnil (), "the test signal generator was not found")
		assert (track:add_processor_by_index (gen, 0, nil, true) == 0)
		index = 1
	end
	local proc = ARDOUR.LuaAPI.new_plugin (Session, "Webstrip", ARDOUR.PluginType.VST3, "")
	assert (not proc:isnil (), "Ardour could not instantiate Webstrip")
	assert (track:add_processor_by_index (proc, index, nil, true) == 0)
	return track, proc, gen
end

-- The first track's Webstrip instance in a loaded session.
function find_strip ()
	for route in Session:get_routes ():iter () do
		local i = 0
		while true do
			local proc = route:nth_plugin (i)
			if proc:isnil () then break end
			if proc:name () == "Webstrip" then return route, proc end
			i = i + 1
		end
	end
	error ("no Webstrip in the session")
end

-- Every parameter as Ardour's plugin describes it (plain values).
function parameters (proc)
	local plug = proc:to_insert ():plugin (0)
	local list = {}
	for i = 0, plug:parameter_count () - 1 do
		local _, t = plug:get_parameter_descriptor (i, ARDOUR.ParameterDescriptor ())
		local d = t[2]
		local value = ARDOUR.LuaAPI.get_processor_param (proc, i, true)
		list[#list + 1] = { index = i, label = plug:parameter_label (i), lower = d.lower, upper = d.upper,
			normal = d.normal, toggled = d.toggled, integer_step = d.integer_step, value = value }
	end
	return list
end

function param_index (proc, label)
	local plug = proc:to_insert ():plugin (0)
	for i = 0, plug:parameter_count () - 1 do
		if plug:parameter_label (i) == label then return i end
	end
	error ("no parameter " .. label)
end

-- Sets parameters by plain value: `values` maps a label to a value.
function set_params (proc, values)
	for label, value in pairs (values) do
		assert (ARDOUR.LuaAPI.set_processor_param (proc, param_index (proc, label), value), label)
	end
end

-- Every export object is kept alive until the process ends: destroying one makes Ardour 7.3
-- corrupt its heap now and then (PortExportChannel's destructor, seen with no plugin at all).
local exports = {}

-- Exports the session's master bus from sample 0 for `samples` samples, as 32-bit float WAV
-- (`folder/name.wav`), with a fresh export object.
function render (folder, name, samples)
	local e = Session:simple_export ()
	exports[#exports + 1] = e
	e:set_name (name)
	e:set_folder (folder)
	e:set_range (0, samples)
	assert (e:set_preset (os.getenv ("WEBSTRIP_EXPORT_PRESET")), "no export preset")
	assert (e:check_outputs (), "nothing to export")
	assert (e:run_export (), "export failed: " .. name)
	emit ("rendered", name)
end

-- Saves the session (unless `save` is false) and ends the process without tearing the session
-- down (see `exports`).
function finish (save)
	if save ~= false then
		Session:save_state ("", false, false, false, false, false)
	end
	emit ("done", true)
	out:close ()
	os.exit (0, false)
end

-- Writes automation for parameter `label`: `points` is a list of {sample, plain value}; the lane
-- is put in Play mode, so Ardour drives the parameter from it while the transport rolls.
function automate (proc, label, points)
	local index = param_index (proc, label)
	local al, cl, pd = ARDOUR.LuaAPI.plugin_automation (proc, index)
	assert (not al:isnil (), "no automation lane for " .. label)
	cl:clear_list ()
	for _, p in ipairs (points) do
		cl:add (Temporal.timepos_t (p[1]), p[2], false, false)
	end
	local pi = proc:to_insert ()
	local ac = pi:to_automatable ():automation_control (
		Evoral.Parameter (ARDOUR.AutomationType.PluginAutomation, 0, index), false)
	assert (not ac:isnil (), "no automation control for " .. label)
	ac:set_automation_state (ARDOUR.AutoState.Play)
	emit ("automation", { label = label, points = cl:size (), play = ac:automation_state () == ARDOUR.AutoState.Play })
end

-- Waits (at most `seconds`) until the file `path` exists.
function wait_for_file (path, seconds)
	for _ = 1, seconds * 100 do
		local f = io.open (path, "r")
		if f then f:close () return true end
		ARDOUR.LuaAPI.usleep (10000)
	end
	return false
end

-- Rolls the transport from sample 0 for `seconds` seconds of wall-clock time, then stops.
function play (seconds)
	Session:request_locate (0, false, ARDOUR.LocateTransportDisposition.MustStop,
		ARDOUR.TransportRequestSource.TRS_UI)
	ARDOUR.LuaAPI.usleep (200000)
	Session:request_roll (ARDOUR.TransportRequestSource.TRS_UI)
	ARDOUR.LuaAPI.usleep (math.floor (seconds * 1000000))
	emit ("played_to", Session:transport_sample ())
	Session:request_stop (false, false, ARDOUR.TransportRequestSource.TRS_UI)
	ARDOUR.LuaAPI.usleep (200000)
end
