-- mas-health: OperandRequest (phase)
local a, b, c, d, e, f, g
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c = a.conditions, a.phase end
if type(b) == "table" then
 for _, h in ipairs(b) do
  if type(h) == "table" then
   if not d and h.type == "Ready" and h.status == "False" then d, e = h, h.message end
  end
 end
end
if c == "Failed" then f, g = "Degraded", "operand request Failed" .. (type(e) == "string" and e ~= "" and ": " .. e or "")
elseif c == "Running" then f, g = "Healthy", "operands are running"
else f, g = "Progressing", type(c) == "string" and c ~= "" and "phase " .. c or "waiting for the operands" end
return {status = f, message = g}
