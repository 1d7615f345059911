-- mas-health: TailoredProfile (state)
local a, b, c, f, g
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c = a.errorMessage, a.state end
local function d(e) return type(e) == "string" and e ~= "" and e end
if c == "ERROR" then f, g = "Degraded", (d(c) and "state " .. c or "failed") .. (d(b) and ": " .. b or "")
elseif c == "READY" then f, g = "Healthy", d(c) and "state " .. c or "ready"
else f, g = "Progressing", d(c) and "state " .. c or "waiting for status.state" end
return {status = f, message = g}
