-- One land submission as its suite reads it: the submission's rows and the area in square wa as a
-- number when it is written as a number. Parameters: submission_id.
SELECT parcel.source_row, parcel.school_code, parcel.deed_type, parcel.deed_number, parcel.area_rai,
       parcel.area_ngan, parcel.area_square_wa,
       CASE WHEN parcel.area_square_wa ~ '^\d+(\.\d+)?$' THEN parcel.area_square_wa::numeric END
           AS area_square_wa_number
FROM core.land AS parcel
WHERE parcel.submission_id = %(submission_id)s
