-- mas-health: empty
-- The first case that holds decides: otherwise Healthy.
-- Which case decided for an object, and every value it read: mas-health explain FILE
return {status = "Healthy", message = ""}
