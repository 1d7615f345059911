-- mas-health: OperandRegistry (phase)
local a, b, c, d
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.phase end
if b == "Ready for Deployment" or b == "Running" then c, d = "Healthy", type(b) == "string" and b ~= "" and "phase " .. b or "registry ready"
else c, d = "Progressing", type(b) == "string" and b ~= "" and "phase " .. b or "waiting for ODLM to read the registry" end
return {status = c, message = d}
