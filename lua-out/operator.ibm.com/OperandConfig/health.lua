-- mas-health: OperandConfig (phase)
local a, b, c, d
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.phase end
if b == "Running" then c, d = "Healthy", "every configured operand exists"
elseif b == "Initialized" then c, d = "Healthy", "no configured operand is requested yet"
else c, d = "Progressing", type(b) == "string" and b ~= "" and "phase " .. b or "waiting for ODLM to read the configuration" end
return {status = c, message = d}
