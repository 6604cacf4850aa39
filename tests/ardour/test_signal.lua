ardour {
	["type"]    = "dsp",
	name        = "Webstrip Test Signal",
	category    = "Utility",
	license     = "MIT",
	author      = "Webstrip tests",
	description = [[The Ardour tests' known signal: left 1 kHz at -12 dBFS, right 440 Hz at -18 dBFS,
each sin(2 pi f t / rate) of the transport position t, so an export from sample 0 is predictable;
plus a DC offset on both channels (its one control, 0 by default)]]
}

function dsp_ioconfig () return { { audio_in = 2, audio_out = 2 } } end

function dsp_params ()
	return { { ["type"] = "input", name = "DC offset", min = -1, max = 1, default = 0 } }
end

local rate = 48000
function dsp_init (r) rate = r end

-- Lua DSP runs in a small memory pool: one table, reused every cycle, written with set_table.
local buf = {}
local freq = { 1000, 440 }
local gain = { 10 ^ (-12 / 20), 10 ^ (-18 / 20) }

function dsp_run (ins, outs, n_samples)
	local t0 = Session:transport_sample ()
	local dc = CtrlPorts:array ()[1]
	for c = 1, 2 do
		local w = 2 * math.pi * freq[c] / rate
		for s = 1, n_samples do
			buf[s] = gain[c] * math.sin (w * ((t0 + s - 1) % rate)) + dc
		end
		outs[c]:set_table (buf, n_samples)
	end
end
