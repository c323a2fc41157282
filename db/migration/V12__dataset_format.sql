-- Datasets in CSV as well as Parquet (issue 13). CSV files have a header row naming the columns.
ALTER TABLE datasets ADD COLUMN format text NOT NULL DEFAULT 'parquet'
    CONSTRAINT datasets_format_check CHECK (format IN ('parquet', 'csv'));
