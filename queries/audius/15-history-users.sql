-- history: entities
-- Every current user's status, into the entity history (schema/004): the
-- store keeps, per user, intervals of unchanged status, so the window
-- metrics below ask "in every run of the last 7 days" of a few changes
-- rather than of 168 copies of every user.
SELECT user_id, status FROM temp.user_status;
