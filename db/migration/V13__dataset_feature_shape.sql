-- A dataset's one array feature column and the shape of each example's array (issue 13): [n]
-- feed-forward, [features, time] recurrent, [channels, height, width] convolutional. NULL: the feature
-- columns are scalars.
ALTER TABLE datasets ADD COLUMN feature_shape integer[]
    CONSTRAINT datasets_feature_shape_check CHECK (feature_shape IS NULL
        OR (cardinality(feature_shape) BETWEEN 1 AND 3 AND 0 < ALL (feature_shape)));
